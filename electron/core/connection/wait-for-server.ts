// Waiting for a session to be connected again, for work that must reach the server (a rollback) but cannot
// wait forever: it resolves once the session is ready, and rejects with the reason it is not — the last
// reconnect failure (UNREACHABLE, HOST_KEY_MISMATCH…) — when reconnecting has given up or `deadline` passes.

import type { ServerStateEvent } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from './types.js'

export async function waitForServer(session: SshSession, deadline: number, signal?: AbortSignal): Promise<void> {
  if (session.state === 'ready') return
  const started = Date.now()
  let last: HomeportError | undefined
  const onState = (event: ServerStateEvent) => {
    if (event.error) last = HomeportError.from(event.error)
  }
  session.on('state', onState)
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  try {
    await Promise.race([
      session.ready(),
      new Promise<never>((_, reject) => {
        const outOfTime = () =>
          reject(last ?? new HomeportError('CONNECTION_LOST', `The connection to the server did not come back within ${Math.round((deadline - started) / 1000)} s.`))
        timer = setTimeout(outOfTime, Math.max(0, deadline - Date.now()))
        onAbort = outOfTime
        signal?.addEventListener('abort', onAbort, { once: true })
      }),
    ])
  } finally {
    clearTimeout(timer)
    if (onAbort) signal?.removeEventListener('abort', onAbort)
    session.off('state', onState)
  }
}
