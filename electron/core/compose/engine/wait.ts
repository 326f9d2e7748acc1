// Waiting for depends_on conditions and for a freshly started container to prove itself. Polls inspect:
// Docker's events would be quicker but need a second long-lived channel per wait for little gain.

import { setTimeout as delay } from 'node:timers/promises'
import type Docker from 'dockerode'
import type { DependsOnCondition } from '../types.js'

export interface WaitOptions {
  timeoutMs?: number
  /** For `service_running`: how long the container must stay up. */
  settleMs?: number
  pollMs?: number
}

export class ConditionFailedError extends Error {
  constructor(
    message: string,
    readonly service: string,
  ) {
    super(message)
    this.name = 'ConditionFailedError'
  }
}

/**
 * A poll's pause. The job's signal lives for the whole install, and one wait polls many times: node's timer
 * drops its abort listener when the pause ends, where a listener added per pause would pile up (Node warns
 * past 10 on one signal).
 */
const sleep = (ms: number, signal?: AbortSignal) =>
  delay(ms, undefined, { signal }).catch((err: unknown) => {
    throw signal?.aborted ? (signal.reason ?? err) : err
  })

/** What the last healthcheck said; a check that printed nothing is described by its exit code instead. */
function healthcheckOutcome(last: { ExitCode?: number; Output?: string } | undefined): string {
  const output = last?.Output?.trim()
  if (output) return output
  return last?.ExitCode !== undefined ? `its healthcheck failed with exit code ${last.ExitCode} and printed nothing` : 'its healthcheck failed'
}

export async function waitForCondition(
  docker: Docker,
  containerId: string,
  condition: DependsOnCondition | 'service_running',
  opts: WaitOptions & { signal?: AbortSignal; label: string },
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 120_000
  const pollMs = opts.pollMs ?? 250
  const started = Date.now()
  let upSince: number | undefined
  for (;;) {
    const info = await docker.getContainer(containerId).inspect()
    const state = info.State
    if (condition === 'service_completed_successfully') {
      if (!state.Running && state.Status === 'exited') {
        if (state.ExitCode === 0) return
        throw new ConditionFailedError(`${opts.label} exited with code ${state.ExitCode} (service_completed_successfully needs 0)`, opts.label)
      }
    } else if (condition === 'service_started') {
      if (state.Running || state.Status === 'exited') return
    } else {
      if (!state.Running && !state.Restarting) {
        throw new ConditionFailedError(`${opts.label} stopped (exit code ${state.ExitCode}) before it was ready`, opts.label)
      }
      if (condition === 'service_healthy') {
        const health = state.Health?.Status
        if (health === 'healthy') return
        if (health === 'unhealthy') throw new ConditionFailedError(`${opts.label} is unhealthy: ${healthcheckOutcome(state.Health?.Log?.at(-1))}`, opts.label)
        if (!health) throw new ConditionFailedError(`${opts.label} has no healthcheck, so service_healthy can never be met`, opts.label)
      } else {
        // A fresh container that restarts has already crashed once: no need to wait out the timeout.
        if (state.Restarting || (info.RestartCount ?? 0) > 0) {
          throw new ConditionFailedError(`${opts.label} keeps restarting (exit code ${state.ExitCode})`, opts.label)
        }
        upSince ??= Date.now()
        if (state.Running && Date.now() - upSince >= (opts.settleMs ?? 3000)) return
      }
    }
    if (Date.now() - started > timeoutMs) {
      throw new ConditionFailedError(`${opts.label} did not reach ${condition.replace(/_/g, ' ')} within ${Math.round(timeoutMs / 1000)} s`, opts.label)
    }
    await sleep(pollMs, opts.signal)
  }
}
