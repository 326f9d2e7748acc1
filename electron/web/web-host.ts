// The web host: the built renderer over HTTP and the contract over a WebSocket, on 127.0.0.1 only.
// Anyone on this machine can reach a loopback port, so the socket is guarded by a random token (printed
// at start, carried in the page URL's #fragment so it never reaches a server log or a Referer), by the
// Origin of the page (a foreign web page in the same browser cannot open it), and by the Host header
// (a DNS-rebound name pointing at 127.0.0.1 is refused).

import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import http, { type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, WebSocket, type RawData } from 'ws'
import type { CoreHandlers, EventMap, EventName } from '../../shared/contract/index.js'
import type { WireMessage } from '../../shared/bridge.js'
import { createDispatch, type EventSink, type Logger } from '../core/runtime/index.js'
import { createStaticHandler } from './static-files.js'

export const WEB_SOCKET_PATH = '/ws'
/** Browsers cannot set headers on a WebSocket: the token may come as this subprotocol prefix instead of ?token=. */
export const TOKEN_PROTOCOL_PREFIX = 'homeport.token.'
export const WEB_SOCKET_PROTOCOL = 'homeport'
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024
const HEARTBEAT_MS = 30_000

export interface CoreLike {
  handlers: CoreHandlers
  /** Called when a socket goes away, so the core can drop that client's watches and pending prompts. */
  forgetClient?(clientId: string): Promise<void> | void
  close?(): Promise<void> | void
}

export interface WebHostOptions {
  /** The core to serve. Route its events to the returned `events` sink (or pass `createCore`). */
  core?: CoreLike
  /** Builds the core with an event sink that pushes to every connected socket. */
  createCore?: (events: EventSink) => Promise<CoreLike> | CoreLike
  rendererDir: string
  /** 0 or absent: a random free port. */
  port?: number
  /** Fixed token, for tests; default 32 random bytes. */
  token?: string
  log?: Logger
}

export interface WebHost {
  /** http://127.0.0.1:PORT/#token=… — open this in a browser on this machine. */
  url: string
  origin: string
  token: string
  port: number
  events: EventSink
  close(): Promise<void>
}

function tokenMatches(expected: Buffer, given: string | undefined): boolean {
  if (!given) return false
  const candidate = Buffer.from(given)
  return candidate.length === expected.length && timingSafeEqual(candidate, expected)
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`)
}

function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol']
  return typeof header === 'string' ? header.split(',').map((p) => p.trim()).filter(Boolean) : []
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('base64url')
  const expected = Buffer.from(token)
  const DRAINED_BYTES = 1 << 20
  const sockets = new Map<WebSocket, string>()
  const alive = new WeakSet<WebSocket>()

  const events: EventSink = {
    emit<E extends EventName>(event: E, payload: EventMap[E]) {
      const frame = JSON.stringify({ type: 'event', event, payload } satisfies WireMessage)
      for (const ws of sockets.keys()) if (ws.readyState === WebSocket.OPEN) ws.send(frame)
    },
    // A big log goes out page by page: the next page is read only once the sockets have sent most of the last,
    // so the host never queues a whole answer for a slow window.
    async drained() {
      const backlogged = () => [...sockets.keys()].some((ws) => ws.readyState === WebSocket.OPEN && ws.bufferedAmount > DRAINED_BYTES)
      while (backlogged()) await new Promise((resolve) => setTimeout(resolve, 10))
    },
  }

  let ownsCore = false
  let core: CoreLike
  if (options.core) core = options.core
  else if (options.createCore) {
    core = await options.createCore(events)
    ownsCore = true
  } else throw new Error('startWebHost needs `core` or `createCore`')
  const dispatch = createDispatch(core.handlers)

  const serveStatic = createStaticHandler(options.rendererDir)
  let allowedHosts = new Set<string>()
  let allowedOrigins = new Set<string>()

  const server = http.createServer((req, res) => {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Misdirected request')
      return
    }
    serveStatic(req, res).catch((err: unknown) => {
      options.log?.error('web host: static file failed', { error: String(err) })
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    // Never echo the token back: pick the plain protocol name when offered.
    handleProtocols: (protocols) => (protocols.has(WEB_SOCKET_PROTOCOL) ? WEB_SOCKET_PROTOCOL : false),
  })

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname !== WEB_SOCKET_PATH) return refuse(socket, 404, 'Not Found')
    if (!allowedHosts.has(req.headers.host ?? '')) return refuse(socket, 421, 'Misdirected Request')
    // Browsers always send Origin; only non-browser clients (which CSRF cannot drive) omit it.
    const origin = req.headers.origin
    if (origin !== undefined && !allowedOrigins.has(origin)) return refuse(socket, 403, 'Forbidden')
    const fromProtocol = offeredProtocols(req).find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length)
    const given = url.searchParams.get('token') ?? fromProtocol
    if (!tokenMatches(expected, given)) return refuse(socket, 401, 'Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  wss.on('connection', (ws: WebSocket) => {
    const clientId = `web-${randomUUID()}`
    sockets.set(ws, clientId)
    alive.add(ws)
    ws.on('pong', () => alive.add(ws))
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void handleMessage(ws, clientId, isBinary ? undefined : data.toString())
    })
    ws.on('close', () => {
      sockets.delete(ws)
      void Promise.resolve(core.forgetClient?.(clientId)).catch((err: unknown) =>
        options.log?.warn('web host: forgetting a client failed', { clientId, error: String(err) }),
      )
    })
    ws.on('error', () => ws.terminate())
  })

  async function handleMessage(ws: WebSocket, clientId: string, text: string | undefined): Promise<void> {
    let request: unknown
    try {
      request = text === undefined ? undefined : JSON.parse(text)
    } catch {
      request = undefined
    }
    const call = request as { type?: unknown; id?: unknown; method?: unknown; input?: unknown } | undefined
    if (!call || call.type !== 'call' || typeof call.id !== 'number' || !Number.isSafeInteger(call.id)) {
      // Without an id there is nobody to answer: a client that speaks another protocol is dropped.
      ws.close(1008, 'Expected {"type":"call","id":<integer>,"method":…,"input":…}')
      return
    }
    const result = await dispatch(call.method, call.input, { clientId })
    if (ws.readyState !== WebSocket.OPEN) return
    try {
      ws.send(JSON.stringify({ type: 'result', id: call.id, result } satisfies WireMessage))
    } catch (err) {
      const error = { code: 'INTERNAL' as const, message: `The result of ${String(call.method)} could not be sent.`, hint: 'Report this with the details.', details: String(err) }
      ws.send(JSON.stringify({ type: 'result', id: call.id, result: { ok: false, error } } satisfies WireMessage))
    }
  }

  const heartbeat = setInterval(() => {
    for (const ws of sockets.keys()) {
      if (!alive.has(ws)) {
        ws.terminate()
        continue
      }
      alive.delete(ws)
      ws.ping()
    }
  }, HEARTBEAT_MS)
  heartbeat.unref()

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`])
  const origin = `http://127.0.0.1:${port}`

  let closing: Promise<void> | undefined
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port,
    events,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat)
        for (const ws of sockets.keys()) ws.terminate()
        await new Promise<void>((resolve) => wss.close(() => resolve()))
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
        if (ownsCore) await core.close?.()
      })()
      return closing
    },
  }
}
