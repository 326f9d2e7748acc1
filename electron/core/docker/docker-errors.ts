// Turns what dockerode and the tunnel throw into Homeport errors. Connection failures that already carry a
// Homeport code (UNREACHABLE, CONNECTION_LOST, …) keep it; Docker's own answers become DOCKER_ERROR with the
// engine's text in details, except a refusal (403, EACCES), which the person can fix with the group hint.

import { HomeportError } from '../../../shared/errors.js'

interface DockerodeError extends Error {
  statusCode?: number
  reason?: string
  json?: unknown
  code?: string
}

const CONNECTION_DROPS = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED'])

export function isConnectionDrop(err: unknown): boolean {
  const e = err as DockerodeError | undefined
  if (!e || err instanceof HomeportError) return err instanceof HomeportError && err.code === 'CONNECTION_LOST'
  return (e.code !== undefined && CONNECTION_DROPS.has(e.code)) || /socket hang up|No response from server|Not connected/i.test(e.message)
}

function engineText(e: DockerodeError): string {
  const json = e.json as { message?: unknown } | undefined
  if (json && typeof json === 'object' && typeof json.message === 'string') return json.message
  if (Buffer.isBuffer(e.json)) return e.json.toString('utf8')
  return e.message
}

export function toDockerError(err: unknown, serverName: string, action: string): HomeportError {
  // The socket was there when Docker was first reached: a refused forward now means the engine went away.
  if (typeof (err as { reason?: unknown } | undefined)?.reason === 'number') {
    return new HomeportError('DOCKER_DOWN', `Docker's socket on ${serverName} could not be opened to ${action}.`, {
      details: err instanceof HomeportError ? (err.details ?? err.message) : String((err as Error).message ?? err),
      cause: err,
    })
  }
  if (err instanceof HomeportError) return err
  const e = (err instanceof Error ? err : new Error(String(err))) as DockerodeError
  if (e.statusCode === 403 || e.code === 'EACCES') {
    return new HomeportError('DOCKER_PERMISSION', `Docker on ${serverName} refused to ${action}.`, { details: engineText(e), cause: err })
  }
  if (e.statusCode !== undefined) {
    return new HomeportError('DOCKER_ERROR', `Docker on ${serverName} could not ${action} (HTTP ${e.statusCode}).`, {
      details: engineText(e),
      cause: err,
    })
  }
  if (isConnectionDrop(e)) {
    return new HomeportError('CONNECTION_LOST', `The connection to ${serverName} was lost while trying to ${action}.`, {
      details: e.message,
      cause: err,
    })
  }
  return new HomeportError('DOCKER_ERROR', `Docker on ${serverName} could not ${action}.`, { details: e.message, cause: err })
}
