import { describe, expect, it } from 'vitest'
import { HomeportError } from '../../../shared/errors.js'
import { runAsync, useAsync, type AsyncState } from './use-async.js'

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (err: unknown) => void } {
  let resolve!: (value: T) => void
  let reject!: (err: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

describe('runAsync', () => {
  it('is loading while the call runs and hands back its value', async () => {
    const state: AsyncState = { loading: false }
    const call = deferred<number>()
    const running = runAsync(state, () => call.promise)
    expect(state.loading).toBe(true)
    call.resolve(42)
    await expect(running).resolves.toBe(42)
    expect(state).toEqual({ loading: false, error: undefined })
  })

  it('keeps the core’s error with its hint, and turns anything else into INTERNAL with details', async () => {
    const state: AsyncState = { loading: false }
    const refused = new HomeportError('AUTH_FAILED', 'me@nas refused the login.', { hint: 'Check the password.' })
    await expect(runAsync(state, () => Promise.reject(refused))).resolves.toBeUndefined()
    expect(state.error).toBe(refused)
    await runAsync(state, () => Promise.reject(new TypeError('x is undefined')))
    expect(state.error).toBeInstanceOf(HomeportError)
    expect(state.error).toMatchObject({ code: 'INTERNAL', details: 'x is undefined' })
    expect(state.loading).toBe(false)
  })

  it('clears the last error when a call starts, or only once it succeeds when asked to keep it', async () => {
    const failed = new HomeportError('UNREACHABLE')
    const state: AsyncState = { loading: false, error: failed }
    const call = deferred<void>()
    const kept = runAsync(state, () => call.promise, { keepError: true })
    expect(state.error).toBe(failed)
    call.resolve()
    await kept
    expect(state.error).toBeUndefined()

    state.error = failed
    const cleared = runAsync(state, () => new Promise<void>(() => {}))
    expect(state.error).toBeUndefined()
    void cleared
  })
})

describe('useAsync', () => {
  it('names the step that is running and forgets it afterwards, failed or not', async () => {
    const task = useAsync<'plan' | 'apply'>()
    const call = deferred<string>()
    const running = task.run('plan', () => call.promise)
    expect([task.loading, task.step]).toEqual([true, 'plan'])
    call.reject(new HomeportError('COMPOSE_INVALID'))
    await expect(running).resolves.toBeUndefined()
    expect([task.loading, task.step, task.error?.code]).toEqual([false, undefined, 'COMPOSE_INVALID'])
    await expect(task.run(() => Promise.resolve('ok'))).resolves.toBe('ok')
    expect(task.error).toBeUndefined()
  })
})
