// Why a test that needs a fresh Debian machine cannot run here, or undefined when it can. The same switches
// as the test home server: SKIP leaves out every real-system test, REQUIRE turns a skip into a failure.

import { freshDebianUnsupportedReason } from './fresh-debian.js'

export async function freshDebianSkipReason(log: (line: string) => void): Promise<string | undefined> {
  const reason =
    process.env.HOMEPORT_SKIP_HOMESERVER === '1' && process.env.HOMEPORT_REQUIRE_HOMESERVER !== '1'
      ? 'HOMEPORT_SKIP_HOMESERVER=1 is set'
      : await freshDebianUnsupportedReason(log)
  if (reason && process.env.HOMEPORT_REQUIRE_HOMESERVER === '1') {
    throw new Error(`HOMEPORT_REQUIRE_HOMESERVER=1 but a fresh Debian machine cannot boot here: ${reason}`)
  }
  if (reason) log(`skipping: ${reason}`)
  return reason
}
