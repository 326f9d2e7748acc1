// A stand-in for window.homeport in store tests: records calls, answers from a table, emits events on demand.

import { createPinia, setActivePinia } from 'pinia'
import { beforeEach } from 'vitest'
import type { EventMap, EventName, MethodInput, MethodName, MethodOutput } from '../../../shared/contract/index.js'
import type { ErrorInfo, Result } from '../../../shared/errors.js'
import { createApi, setApi, type ReconnectingBridge } from './client.js'

/** A value, or a function of the input that may answer later (a promise), to see the state while a call runs. */
type Answer<M extends MethodName> = MethodOutput<M> | ((input: MethodInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>)

export interface FakeBridge extends ReconnectingBridge {
  calls: { method: MethodName; input: unknown }[]
  answer<M extends MethodName>(method: M, value: Answer<M>): void
  fail(method: MethodName, error: ErrorInfo): void
  emit<E extends EventName>(event: E, payload: EventMap[E]): void
  reconnect(): void
}

export function createFakeBridge(): FakeBridge {
  const answers = new Map<MethodName, Result<unknown>>()
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const reconnectListeners = new Set<() => void>()
  const calls: { method: MethodName; input: unknown }[] = []
  return {
    calls,
    answer(method, value) {
      answers.set(method, { ok: true, value })
    },
    fail(method, error) {
      answers.set(method, { ok: false, error })
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload)
    },
    reconnect() {
      for (const listener of reconnectListeners) listener()
    },
    async invoke(method, input) {
      calls.push({ method, input })
      const answer = answers.get(method)
      if (!answer) return { ok: false, error: { code: 'INTERNAL', message: `No answer for ${method} in this test.`, hint: '' } }
      if (!answer.ok) return answer as never
      const value = typeof answer.value === 'function' ? (answer.value as (i: unknown) => unknown)(input) : answer.value
      return { ok: true, value } as never
    },
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener as (payload: unknown) => void)
      return () => set.delete(listener as (payload: unknown) => void)
    },
    onReconnect(listener) {
      reconnectListeners.add(listener)
      return () => reconnectListeners.delete(listener)
    },
  }
}

/**
 * Store tests call this once at the top of the file: before each test it installs a new fake bridge behind
 * the client the stores use, and a fresh Pinia, so no test sees another's stores, answers or listeners.
 * The returned bridge always stands for the current test's one.
 */
export function useFakeBridge(): FakeBridge {
  let current = createFakeBridge()
  beforeEach(() => {
    current = createFakeBridge()
    setApi(createApi(current))
    setActivePinia(createPinia())
  })
  return new Proxy({} as FakeBridge, { get: (_target, key) => Reflect.get(current, key) })
}
