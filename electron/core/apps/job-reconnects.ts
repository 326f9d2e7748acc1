// A job that works on a server tells its person when the connection drops and what reconnecting does:
// each attempt, the wait before the next one and why the last one failed, and when it is back.

import type { ServerStateEvent } from '../../../shared/contract/index.js'
import type { SshSession } from '../connection/types.js'

export function logReconnects(session: SshSession, log: (line: string) => void): () => void {
  let lost = false
  const onState = (event: ServerStateEvent) => {
    if (event.state === 'reconnecting') {
      lost = true
      const why = event.error ? `: ${event.error.message}` : ''
      const next = event.retryInMs !== undefined ? `, next try in ${Math.max(1, Math.round(event.retryInMs / 1000))} s` : ''
      log(`Connection to the server lost; reconnecting (attempt ${event.attempt ?? 1}${next})${why}`)
    } else if (event.state === 'ready' && lost) {
      lost = false
      log('Reconnected to the server.')
    } else if (event.state === 'offline' && event.error) {
      log(`Could not reconnect to the server: ${event.error.message}`)
    }
  }
  session.on('state', onState)
  return () => session.off('state', onState)
}
