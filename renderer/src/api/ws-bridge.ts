// The web host's transport: the same invoke/on as Electron's preload, as JSON over one WebSocket
// (`ws://<host>/ws?token=…`, WireRequest out, WireMessage in). It reconnects with backoff when the
// socket drops; calls made while it is down wait for the next open socket.

import type { WireMessage, WireRequest } from '../../../shared/bridge.js'
import type { EventMap, EventName } from '../../../shared/contract/index.js'
import { ERROR_CODES, type Result } from '../../../shared/errors.js'
import type { ReconnectingBridge } from './client.js'

/** The subset of the DOM WebSocket this bridge needs (the `ws` package satisfies it too, for tests). */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: { code: number; reason: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
}

export interface WebSocketBridgeOptions {
  url: string
  createSocket?: (url: string) => SocketLike
  /** First reconnect delay; doubles up to maxDelayMs. */
  initialDelayMs?: number
  maxDelayMs?: number
  /** Told whenever the link goes up or down (for a banner in the window). */
  onStatus?: (status: 'open' | 'closed') => void
}

export interface WebSocketBridge extends ReconnectingBridge {
  close(): void
}

const OPEN = 1

type Listener = (payload: never) => void

export function webHostUrl(location: { protocol: string; host: string }, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`
}

export function createWebSocketBridge(options: WebSocketBridgeOptions): WebSocketBridge {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike)
  const initialDelay = options.initialDelayMs ?? 250
  const maxDelay = options.maxDelayMs ?? 5000
  const pending = new Map<number, { request: WireRequest; resolve: (r: Result<unknown>) => void; sent: boolean }>()
  const listeners = new Map<EventName, Set<Listener>>()
  const reconnectListeners = new Set<() => void>()
  let nextId = 1
  let socket: SocketLike | undefined
  let delay = initialDelay
  let everOpened = false
  let closedByUs = false
  let timer: ReturnType<typeof setTimeout> | undefined

  function flush(): void {
    if (!socket || socket.readyState !== OPEN) return
    for (const entry of pending.values()) {
      if (entry.sent) continue
      socket.send(JSON.stringify(entry.request))
      entry.sent = true
    }
  }

  function dispatch(message: WireMessage): void {
    if (message.type === 'result') {
      const entry = pending.get(message.id)
      if (!entry) return
      pending.delete(message.id)
      entry.resolve(message.result)
    } else if (message.type === 'event') {
      for (const listener of listeners.get(message.event) ?? []) {
        try {
          ;(listener as (p: unknown) => void)(message.payload)
        } catch (err) {
          console.error(`A listener for ${message.event} failed`, err)
        }
      }
    }
  }

  function connect(): void {
    timer = undefined
    const ws = createSocket(options.url)
    socket = ws
    ws.onopen = () => {
      delay = initialDelay
      const isReconnect = everOpened
      everOpened = true
      options.onStatus?.('open')
      flush()
      if (isReconnect) for (const listener of reconnectListeners) listener()
    }
    ws.onmessage = (ev) => {
      let message: WireMessage
      try {
        message = JSON.parse(String(ev.data)) as WireMessage
      } catch {
        return
      }
      dispatch(message)
    }
    ws.onerror = () => {
      // A close event always follows; reconnecting happens there.
    }
    ws.onclose = () => {
      if (socket !== ws) return
      socket = undefined
      options.onStatus?.('closed')
      // A call already sent may or may not have run on the core: fail it rather than run it twice.
      for (const [id, entry] of pending) {
        if (!entry.sent) continue
        pending.delete(id)
        entry.resolve({
          ok: false,
          error: {
            code: 'CONNECTION_LOST',
            message: `The connection to Homeport's web host was lost during ${entry.request.method}.`,
            hint: 'It reconnects by itself; try again in a moment. If it keeps failing, restart `npm run start:web` and open the URL it prints.',
          },
        })
      }
      if (closedByUs) return
      timer = setTimeout(connect, delay)
      delay = Math.min(delay * 2, maxDelay)
    }
  }

  connect()

  return {
    invoke(method, input) {
      if (closedByUs) {
        return Promise.resolve({
          ok: false,
          error: { code: 'CONNECTION_LOST', message: "The connection to Homeport's web host is closed.", hint: ERROR_CODES.CONNECTION_LOST.hint },
        })
      }
      const id = nextId++
      const request: WireRequest = { type: 'call', id, method, input }
      return new Promise((resolve) => {
        pending.set(id, { request, resolve: resolve as (r: Result<unknown>) => void, sent: false })
        flush()
      })
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener as Listener)
      return () => set.delete(listener as Listener)
    },
    onReconnect(listener) {
      reconnectListeners.add(listener)
      return () => reconnectListeners.delete(listener)
    },
    close() {
      closedByUs = true
      if (timer) clearTimeout(timer)
      socket?.close(1000, 'closed by the window')
      socket = undefined
    },
  }
}
