// Turns what dockerode and the tunnel throw into Homeport errors. Connection failures that already carry a
// Homeport code (UNREACHABLE, CONNECTION_LOST, …) keep it; Docker's own answers become DOCKER_ERROR with the
// engine's text in details, except a refusal (403, EACCES), which the person can fix with the group hint.

import { HomeportError, type ErrorCode } from '../../../shared/errors.js'
import { isConnectionLost } from '../connection/connection-lost.js'

interface DockerodeError extends Error {
  statusCode?: number
  reason?: string
  json?: unknown
  code?: string
}

/**
 * A mapped Docker failure. The engine's HTTP status stays readable, because some answers are not failures
 * to the caller (304: the container is already in that state; 404 when looking for something optional).
 */
export class DockerError extends HomeportError {
  readonly statusCode?: number
  /** What dockerode or the tunnel threw. */
  readonly raw: unknown

  constructor(code: ErrorCode, message: string, raw: unknown, opts: { hint?: string; cliHint?: string; details?: string; statusCode?: number } = {}) {
    super(code, message, { hint: opts.hint, cliHint: opts.cliHint, details: opts.details, cause: raw })
    this.name = 'DockerError'
    this.raw = raw
    this.statusCode = opts.statusCode
  }
}

function engineText(e: DockerodeError): string {
  const json = e.json as { message?: unknown } | undefined
  if (json && typeof json === 'object' && typeof json.message === 'string') return json.message
  if (Buffer.isBuffer(e.json)) return e.json.toString('utf8')
  return e.message
}

/**
 * `action` completes "could not …" ("list containers", "start container web"). An error mapped already is
 * worded again from what was thrown, so a caller that knows the action better names it.
 */
export function toDockerError(err: unknown, serverName: string, action: string): HomeportError {
  if (err instanceof DockerError) return toDockerError(err.raw, serverName, action)
  // The socket was there when Docker was first reached: a refused forward now means the engine went away.
  if (typeof (err as { reason?: unknown } | undefined)?.reason === 'number') {
    return new DockerError('DOCKER_DOWN', `Docker's socket on ${serverName} could not be opened to ${action}.`, err, {
      details: err instanceof HomeportError ? (err.details ?? err.message) : String((err as Error).message ?? err),
    })
  }
  if (err instanceof HomeportError) return err
  const e = (err instanceof Error ? err : new Error(String(err))) as DockerodeError
  const statusCode = e.statusCode
  if (statusCode === 403 || e.code === 'EACCES') {
    return new DockerError('DOCKER_PERMISSION', `Docker on ${serverName} refused to ${action}.`, err, { details: engineText(e), statusCode })
  }
  if (statusCode !== undefined) {
    return new DockerError('DOCKER_ERROR', `Docker on ${serverName} could not ${action} (HTTP ${statusCode}).`, err, { details: engineText(e), statusCode })
  }
  if (isConnectionLost(e)) {
    return new DockerError('CONNECTION_LOST', `The connection to ${serverName} was lost while trying to ${action}.`, err, { details: e.message })
  }
  return new DockerError('DOCKER_ERROR', `Docker on ${serverName} could not ${action}.`, err, { details: e.message })
}
