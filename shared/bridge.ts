// The shape of `window.homeport` (preload) and of the web host's client: one invoke, one event hook.
// Both transports carry the same Result envelope; `unwrap` turns a failed one back into a HomeportError.

import type { EventMap, EventName, MethodInput, MethodName, MethodOutput } from './contract/index.js'
import { HomeportError, type Result } from './errors.js'

export interface HomeportBridge {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void
}

export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw HomeportError.from(result.error)
}

/** Web host wire format (JSON over WebSocket). */
export type WireRequest = { type: 'call'; id: number; method: string; input: unknown }
export type WireMessage =
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: EventName; payload: unknown }

/** Electron IPC channels: one invoke channel for every contract method, one for core events. */
export const IPC_INVOKE_CHANNEL = 'homeport:invoke'
export const IPC_EVENT_CHANNEL = 'homeport:event'
/** Electron only: asks main for a local folder (download destinations); answers its path or undefined. */
export const IPC_CHOOSE_FOLDER_CHANNEL = 'homeport:choose-folder'
