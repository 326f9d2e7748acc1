// How a failed plan, install or update is told to the person: what happened to the server (nothing changed,
// rolled back and checked, or not rolled back and why) comes first, the cause after it. "Rolled back" is
// said only when the rollback's check against the journal passed.

import { HomeportError } from '../../../shared/errors.js'
import { ConditionFailedError } from '../compose/engine/wait.js'
import { isConnectionLost } from '../connection/connection-lost.js'
import { DockerError } from '../docker/docker-errors.js'
import type { RollbackOutcome } from './app-run.js'

const rawText = (err: unknown) => (err instanceof HomeportError ? (err.details ?? err.message) : err instanceof Error ? err.message : String(err))
const sentence = (text: string) => text.trim().replace(/[.\s]*$/, '.')

/** Planning changes nothing on the server. */
export function planningFailure(err: unknown, app: string): HomeportError {
  if (isConnectionLost(err)) {
    return new HomeportError('CONNECTION_LOST', `The connection to the server was lost while planning "${app}"; nothing was changed.`, { details: rawText(err), cause: err })
  }
  if (err instanceof DockerError) {
    return new HomeportError(err.code, `Planning "${app}" failed; nothing was changed. ${err.message}`, { hint: err.hint, cliHint: err.cliHint, details: err.details, cause: err })
  }
  if (err instanceof HomeportError) return err
  return new HomeportError('DOCKER_ERROR', `Planning "${app}" failed; nothing was changed: ${rawText(err)}`, { details: rawText(err), cause: err })
}

/** The failure of a run whose rollback was checked and found complete. */
function rolledBack(err: unknown, app: string, what: 'install' | 'update', cancelled: boolean): HomeportError {
  const back = what === 'update' ? 'the previous version' : 'how the server was before'
  if (cancelled) return new HomeportError('CANCELLED', `The ${what} of "${app}" was cancelled; it was rolled back to ${back}, and checked.`, { cause: err })
  if (err instanceof ConditionFailedError) {
    return new HomeportError('APP_START_FAILED', `The ${what} of "${app}" failed: ${err.message}. Rolled back to ${back}.`, { details: err.message, cause: err })
  }
  if (isConnectionLost(err)) {
    return new HomeportError('CONNECTION_LOST', `The connection to the server was lost during the ${what} of "${app}"; what it had changed was rolled back after reconnecting, and checked.`, {
      hint: 'Run it again once the connection is stable.',
      details: rawText(err),
      cause: err,
    })
  }
  if (err instanceof DockerError) {
    return new HomeportError(err.code, `The ${what} of "${app}" failed and was rolled back. ${err.message}`, { hint: err.hint, cliHint: err.cliHint, details: err.details, cause: err })
  }
  if (err instanceof HomeportError) return new HomeportError(err.code, `The ${what} of "${app}" failed and was rolled back: ${err.message}`, { hint: err.hint, cliHint: err.cliHint, details: err.details, cause: err })
  return new HomeportError('DOCKER_ERROR', `The ${what} of "${app}" failed and was rolled back: ${rawText(err)}`, { details: rawText(err), cause: err })
}

/**
 * A failed install or update, worded by how its rollback ended. `serverName` names the server in what the
 * person is told to expect at the next connect.
 */
export function runFailure(err: unknown, outcome: RollbackOutcome, ctx: { app: string; what: 'install' | 'update'; serverName: string; cancelled: boolean }): HomeportError {
  const { app, what, serverName } = ctx
  const cause = err instanceof Error ? err.message : String(err)
  switch (outcome.kind) {
    case 'verified':
      return rolledBack(err, app, what, ctx.cancelled)
    case 'incomplete':
      return new HomeportError(
        'ROLLBACK_INCOMPLETE',
        `The ${what} of "${app}" ${ctx.cancelled ? 'was cancelled' : `failed (${sentence(cause)})`} and could not be rolled back completely: ${outcome.differences.join('; ')}.`,
        { details: rawText(err), cause: err },
      )
    case 'unreachable':
      // The reason the server cannot be reached is the error the person needs: its code, its hint.
      return new HomeportError(
        outcome.cause.code,
        `The ${what} of "${app}" was interrupted${outcome.cause.message === cause ? '' : ` (${sentence(cause)})`} and its rollback could not reach ${serverName}: ${sentence(outcome.cause.message)} ` +
          `Left on the server: ${outcome.left.join(', ') || 'nothing yet'}. It is recorded there and on this computer, and Homeport finishes the rollback the next time it connects to ${serverName}.`,
        { hint: outcome.cause.hint, cliHint: outcome.cause.cliHint, details: rawText(err), cause: outcome.cause },
      )
    case 'taken-over':
      return new HomeportError('APP_BUSY', `The ${what} of "${app}" was interrupted (${sentence(cause)}). ${outcome.by}`, { details: rawText(err), cause: err })
  }
}
