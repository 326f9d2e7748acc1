// sshd turns away connections beyond its MaxStartups (unauthenticated connections at once) by closing them
// before its banner, or just after: twenty CLIs started together see some of theirs refused that way while
// the server is fine. Such a drop — and only such a drop, not a refused port or a wrong key — is tried again
// a few times with a growing, jittered pause, so the burst spreads out instead of failing.

import type { HomeportError } from '../../../shared/errors.js'
import { backoffDelay, sleep } from './backoff.js'

/** The SSH server accepted the TCP connection, then closed it before or during the key exchange. */
export function isStartupDrop(err: unknown): boolean {
  const e = err as HomeportError | undefined
  return e?.code === 'UNREACHABLE' && /before speaking SSH|during the handshake/.test(e.message)
}

export async function retryStartupDrops<T>(connect: () => Promise<T>, signal: AbortSignal, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect()
    } catch (err) {
      if (attempt >= attempts || signal.aborted || !isStartupDrop(err)) throw err
      await sleep(backoffDelay(attempt, 150, 2000), signal)
    }
  }
}
