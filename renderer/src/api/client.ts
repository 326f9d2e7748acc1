// The only way the window talks to the core: typed calls that throw HomeportError, and typed events.

import { unwrap, type HomeportBridge } from '../../../shared/bridge.js'
import type { EventMap, EventName, MethodInput, MethodName, MethodOutput } from '../../../shared/contract/index.js'

export interface HomeportApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void
  /** Runs after the transport came back from a drop; server-side subscriptions must be renewed then. */
  onReconnect(listener: () => void): () => void
}

/** A bridge that can also report reconnects (the WebSocket one can, Electron's preload never drops). */
export interface ReconnectingBridge extends HomeportBridge {
  onReconnect?(listener: () => void): () => void
}

export function createApi(bridge: ReconnectingBridge): HomeportApi {
  return {
    async call(method, input) {
      return unwrap(await bridge.invoke(method, input))
    },
    on(event, listener) {
      return bridge.on(event, listener)
    },
    onReconnect(listener) {
      return bridge.onReconnect ? bridge.onReconnect(listener) : () => {}
    },
  }
}

let current: HomeportApi | undefined

/** Installs the client the stores use (the app does it once at start; tests install one over a fake bridge). */
export function setApi(api: HomeportApi): void {
  current = api
}

export function useApi(): HomeportApi {
  if (!current) throw new Error('The Homeport client is not set up yet: call setApi() before using a store.')
  return current
}
