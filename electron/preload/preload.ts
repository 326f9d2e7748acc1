// Sandboxed preload: the only bridge between the window and the core. It exposes exactly
// window.homeport = { invoke, on } and nothing of Electron itself (no ipcRenderer, no event objects), so a
// compromised page can only make contract calls, which main validates again.
// Bundled as CommonJS: sandboxed preloads cannot be ES modules.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type HomeportBridge } from '../../shared/bridge.js'
import type { EventMap, EventName } from '../../shared/contract.js'

const listeners = new Map<string, Set<(payload: unknown) => void>>()

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return
  for (const listener of listeners.get(name) ?? []) {
    try {
      listener(payload)
    } catch (err) {
      console.error(`homeport: listener for ${name} failed`, err)
    }
  }
})

const bridge: HomeportBridge = {
  invoke(method, input) {
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input)
  },
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    if (typeof event !== 'string') throw new Error('An event name is required')
    if (typeof listener !== 'function') throw new Error('A listener function is required')
    const set = listeners.get(event) ?? new Set()
    listeners.set(event, set)
    const wrapped = listener as (payload: unknown) => void
    set.add(wrapped)
    return () => {
      set.delete(wrapped)
    }
  },
}

contextBridge.exposeInMainWorld('homeport', bridge)
