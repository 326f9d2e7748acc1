// How a failed plan, install or update is told to the person: what happened to the server (nothing changed,
// or rolled back) comes first, the cause after it; the code and the hint stay those of the cause.

import { HomeportError } from '../../../shared/errors.js'
import { ConditionFailedError } from '../compose/engine/wait.js'
import { isConnectionLost } from '../connection/connection-lost.js'
import { DockerError } from '../docker/docker-errors.js'

const rawText = (err: unknown) => (err instanceof HomeportError ? (err.details ?? err.message) : err instanceof Error ? err.message : String(err))

/** Planning changes nothing on the server. */
export function planningFailure(err: unknown, app: string): HomeportError {
  if (isConnectionLost(err)) {
    return new HomeportError('CONNECTION_LOST', `The connection to the server was lost while planning "${app}"; nothing was changed.`, { details: rawText(err), cause: err })
  }
  if (err instanceof DockerError) {
    return new HomeportError(err.code, `Planning "${app}" failed; nothing was changed. ${err.message}`, { hint: err.hint, details: err.details, cause: err })
  }
  if (err instanceof HomeportError) return err
  return new HomeportError('DOCKER_ERROR', `Planning "${app}" failed; nothing was changed: ${rawText(err)}`, { details: rawText(err), cause: err })
}

/** An install or update that failed was rolled back by the engine before this is called. */
export function applyFailure(err: unknown, app: string, what: 'install' | 'update'): HomeportError {
  if (err instanceof ConditionFailedError) {
    const before = what === 'update' ? 'the previous version' : 'how the server was before'
    return new HomeportError('APP_START_FAILED', `The ${what} of "${app}" failed: ${err.message}. Rolled back to ${before}.`, { details: err.message, cause: err })
  }
  if (isConnectionLost(err)) {
    return new HomeportError('CONNECTION_LOST', `The connection to the server was lost during the ${what} of "${app}"; what it had changed was rolled back after reconnecting.`, {
      hint: 'Run it again once the connection is stable.',
      details: rawText(err),
      cause: err,
    })
  }
  if (err instanceof DockerError) {
    return new HomeportError(err.code, `The ${what} of "${app}" failed and was rolled back. ${err.message}`, { hint: err.hint, details: err.details, cause: err })
  }
  if (err instanceof HomeportError) return err
  return new HomeportError('DOCKER_ERROR', `The ${what} of "${app}" failed and was rolled back: ${rawText(err)}`, { details: rawText(err), cause: err })
}
