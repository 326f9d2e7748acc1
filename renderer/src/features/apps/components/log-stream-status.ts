// Where a followed log stands, from its `apps.logs` events: following, waiting for the server to come back
// (the core resumes after the last line), or over — with the error when it could not resume, so a cut
// connection never looks like an app that went quiet.

import type { EventMap } from '../../../../../shared/contract/index.js'
import type { ErrorInfo } from '../../../../../shared/errors.js'

export type LogStreamStatus = { state: 'following' } | { state: 'reconnecting' } | { state: 'ended'; error?: ErrorInfo }

export const FOLLOWING: LogStreamStatus = { state: 'following' }

export function nextStreamStatus(status: LogStreamStatus, event: EventMap['apps.logs']): LogStreamStatus {
  if (status.state === 'ended') return status
  if (event.ended) return event.error ? { state: 'ended', error: event.error } : { state: 'ended' }
  if (event.reconnecting === true) return { state: 'reconnecting' }
  // Lines after a cut mean it follows again, even if the word that says so were lost.
  if (event.reconnecting === false || event.lines.length > 0) return FOLLOWING
  return status
}
