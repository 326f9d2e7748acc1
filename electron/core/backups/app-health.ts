// After a restore the app must run again: every container running, and healthy when it has a health check.

import { HomeportError } from '../../../shared/errors.js'
import type { AppsPort } from './apps-port.js'

const WAIT_MS = 180_000

export async function waitUntilRunning(apps: AppsPort, serverId: string, app: string, signal: AbortSignal): Promise<'healthy' | 'running'> {
  const until = Date.now() + WAIT_MS
  let tries = 0
  for (;;) {
    signal.throwIfAborted()
    const now = await apps.get(serverId, app)
    if (now?.health === 'unhealthy') throw new HomeportError('APP_START_FAILED', `"${app}" was restored but reports unhealthy.`, { hint: 'Read its logs on its app page; the data restored is in place.', cliHint: `Read its logs (\`homeport apps logs SERVER ${app}\`); the data restored is in place.` })
    if (now?.state === 'running' && now.health !== 'starting') return now.health === 'healthy' ? 'healthy' : 'running'
    if (Date.now() > until) throw new HomeportError('APP_START_FAILED', `"${app}" was restored but is not running after ${WAIT_MS / 1000} s (${now?.state ?? 'gone'}).`, { hint: 'Read its logs on its app page.', cliHint: `Read its logs (\`homeport apps logs SERVER ${app}\`).` })
    // Most apps run within a moment of their start: look again soon, then less often.
    await new Promise((r) => setTimeout(r, Math.min(1000, 100 * 2 ** tries++)))
  }
}
