// One way to wait on a call: a loading flag while it runs, and the error it ended with as a HomeportError
// (so ErrorAlert can show its hint). Stores track per-server entries with runAsync; components take their
// own reactive state from useAsync.

import { reactive } from 'vue'
import type { HomeportError } from '../../../shared/errors.js'
import { asHomeportError } from '../api/errors.js'

export interface AsyncState {
  loading: boolean
  error?: HomeportError
}

export interface RunOptions {
  /**
   * Leave the last error up until a call succeeds. For polls and background refreshes: clearing it at
   * every start would make the alert flicker. Actions the user starts clear it at once.
   */
  keepError?: boolean
}

/** Runs `work` with `state.loading` set; resolves to its value, or to undefined once the error is in `state.error`. */
export async function runAsync<T>(state: AsyncState, work: () => Promise<T>, options: RunOptions = {}): Promise<T | undefined> {
  state.loading = true
  if (!options.keepError) state.error = undefined
  try {
    const value = await work()
    state.error = undefined
    return value
  } catch (err) {
    state.error = asHomeportError(err)
    return undefined
  } finally {
    state.loading = false
  }
}

export interface AsyncTask<Step extends string> extends AsyncState {
  /** Which of the component's calls is running (a button shows its spinner), when it names them. */
  step: Step | undefined
  run<T>(work: () => Promise<T>, options?: RunOptions): Promise<T | undefined>
  run<T>(step: Step, work: () => Promise<T>, options?: RunOptions): Promise<T | undefined>
}

/** A component's calls: `task.loading`, `task.step`, `task.error` for the template, `task.run(…)` for the call. */
export function useAsync<Step extends string = never>(): AsyncTask<Step> {
  const task: AsyncTask<Step> = reactive({
    loading: false,
    step: undefined,
    error: undefined,
    async run<T>(first: Step | (() => Promise<T>), second?: (() => Promise<T>) | RunOptions, third?: RunOptions): Promise<T | undefined> {
      const named = typeof first === 'string'
      const work = (named ? second : first) as () => Promise<T>
      const options = (named ? third : second) as RunOptions | undefined
      task.step = named ? first : undefined
      try {
        return await runAsync(task, work, options)
      } finally {
        task.step = undefined
      }
    },
  }) as AsyncTask<Step>
  return task
}
