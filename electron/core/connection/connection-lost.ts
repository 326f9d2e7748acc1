// The one list of what "the connection to the server was lost" looks like, whichever layer saw it: ssh2
// (a channel or request on a client whose socket closed), Node's http client (a kept-alive Docker channel
// that died under a request) or a stream cut in the middle. Refusals (a channel open the server declined,
// an engine's HTTP error) are answers from a live connection and are not in it.

import { HomeportError } from '../../../shared/errors.js'

/** Node's codes for a socket or stream that ended under a request. */
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED'])

// ssh2: 'No response from server' (pending requests when the client closed), 'Not connected' (a call on a
// closed client), 'Channel is not open' (a write on a channel of a closed client). Node's http client:
// 'socket hang up' and 'aborted'. Node's net: 'This socket has been ended by the other party'.
const LOST_TEXT = /No response from server|Not connected|Channel is not open|socket hang up|^aborted$|socket.*(closed|ended)/i

export function isConnectionLost(err: unknown): boolean {
  if (err instanceof HomeportError) return err.code === 'CONNECTION_LOST'
  if (!err || typeof err !== 'object') return false
  const e = err as { code?: unknown; message?: unknown }
  if (typeof e.code === 'string' && LOST_CODES.has(e.code)) return true
  return typeof e.message === 'string' && LOST_TEXT.test(e.message)
}

/** Codes that say the server cannot be reached at all right now (rather than that a call on it failed). */
const UNREACHABLE_CODES = new Set(['CONNECTION_LOST', 'UNREACHABLE', 'TIMEOUT', 'HOST_KEY_MISMATCH', 'HOST_KEY_UNKNOWN', 'HOST_KEY_REJECTED', 'AUTH_FAILED', 'KEY_INVALID', 'PASSPHRASE_REQUIRED'])

/**
 * The connection is lost, or connecting again fails: work that must reach the server (a rollback) waits or
 * gives up on these, where any other failure is an answer from a live server.
 */
export function isServerOutOfReach(err: unknown): boolean {
  if (err instanceof HomeportError) return UNREACHABLE_CODES.has(err.code)
  return isConnectionLost(err)
}
