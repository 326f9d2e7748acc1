// Waiting for depends_on conditions and for a freshly started container to prove itself. A condition the
// first look does not settle is watched through Docker's events for that container: each event is a reason
// to look again, and nothing else is (over a slow link every look is a round trip). A look every `pollMs`
// stays as a safety net for an events stream that says nothing, and is all there is where none opens.

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

/** The container's events, as a "something happened" signal; undefined where the engine gives no stream. */
async function watchContainer(docker: Docker, containerId: string): Promise<{ next(ms: number, signal?: AbortSignal): Promise<void>; close(): void } | undefined> {
  const stream = (await Promise.resolve()
    .then(() => docker.getEvents({ filters: { container: [containerId], type: ['container'] } }))
    .catch(() => undefined)) as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined
  if (!stream || typeof stream.on !== 'function') return undefined
  let happened = 0
  let wake: (() => void) | undefined
  stream.on('data', () => {
    happened++
    wake?.()
  })
  stream.on('error', () => undefined)
  let seen = 0
  return {
    /** Resolves at the next event (or at once if one came since the last call), or after `ms`. */
    async next(ms, signal) {
      if (happened > seen) {
        seen = happened
        return
      }
      const waker = new AbortController()
      wake = () => waker.abort()
      const both = signal ? AbortSignal.any([signal, waker.signal]) : waker.signal
      await delay(ms, undefined, { signal: both }).catch((err: unknown) => {
        if (signal?.aborted) throw signal.reason ?? err
      })
      wake = undefined
      seen = happened
    },
    close: () => stream.destroy?.(),
  }
}

export async function waitForCondition(
  docker: Docker,
  containerId: string,
  condition: DependsOnCondition | 'service_running',
  opts: WaitOptions & { signal?: AbortSignal; label: string },
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 120_000
  const started = Date.now()
  let upSince: number | undefined
  let events: Awaited<ReturnType<typeof watchContainer>> | null = null
  try {
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
      if (events === null) {
        // Not settled at first look: from now on events say when to look again (the stream is open before the
        // next look, so nothing between the two is missed).
        events = await watchContainer(docker, containerId)
        continue
      }
      // Until the next event, but no longer than a running container must still settle, or the timeout.
      const settleLeft = upSince === undefined ? Infinity : (opts.settleMs ?? 3000) - (Date.now() - upSince)
      const pause = Math.max(1, Math.min(opts.pollMs ?? (events ? 5000 : 250), settleLeft, timeoutMs - (Date.now() - started) + 1))
      if (events) await events.next(pause, opts.signal)
      else await sleep(pause, opts.signal)
    }
  } finally {
    events?.close()
  }
}
