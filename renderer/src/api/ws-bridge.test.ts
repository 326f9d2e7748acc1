import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import type { WireMessage, WireRequest } from '../../../shared/bridge.js'
import { createApi } from './client.js'
import { tokenFromHash } from './connect.js'
import { createWebSocketBridge, webHostUrl, type SocketLike, type WebSocketBridge } from './ws-bridge.js'

const cleanups: (() => void | Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A real WebSocket server speaking the web host's wire format: echoes `app.info`, records tokens. */
async function startServer(): Promise<{ url: string; server: WebSocketServer; tokens: string[] }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const tokens: string[] = []
  server.on('connection', (ws, req) => {
    tokens.push(new URL(req.url ?? '', 'http://x').searchParams.get('token') ?? '')
    ws.on('message', (data) => {
      const request = JSON.parse(String(data)) as WireRequest
      const reply: WireMessage =
        request.method === 'app.info'
          ? { type: 'result', id: request.id, result: { ok: true, value: { version: '0.1.0', secretStore: 'keychain', dataDir: '/d' } } }
          : { type: 'result', id: request.id, result: { ok: false, error: { code: 'NOT_FOUND', message: `no ${request.method}`, hint: 'h' } } }
      ws.send(JSON.stringify(reply))
    })
  })
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as { port: number }
  return { url: webHostUrl({ protocol: 'http:', host: `127.0.0.1:${port}` }, 'tok en/1'), server, tokens }
}

function bridgeTo(url: string): WebSocketBridge {
  const bridge = createWebSocketBridge({ url, createSocket: (u) => new WebSocket(u) as unknown as SocketLike, initialDelayMs: 20, maxDelayMs: 100 })
  cleanups.push(() => bridge.close())
  return bridge
}

describe('web host WebSocket bridge', () => {
  it('carries calls and results over /ws?token=…, queuing calls made before the socket opens', async () => {
    const { url, tokens } = await startServer()
    const api = createApi(bridgeTo(url))
    await expect(api.call('app.info', {})).resolves.toMatchObject({ version: '0.1.0' })
    await expect(api.call('servers.list', {})).rejects.toMatchObject({ name: 'HomeportError', code: 'NOT_FOUND' })
    expect(tokens).toEqual(['tok en/1'])
  })

  it('delivers pushed events to listeners of that event only', async () => {
    const { url, server } = await startServer()
    const api = createApi(bridgeTo(url))
    await api.call('app.info', {})
    const states: string[] = []
    const prompts: string[] = []
    api.on('server.state', (e) => states.push(e.state))
    const off = api.on('prompt.request', (e) => prompts.push(e.id))
    off()
    for (const client of server.clients) {
      client.send(JSON.stringify({ type: 'event', event: 'server.state', payload: { serverId: 's', state: 'ready' } }))
      client.send(JSON.stringify({ type: 'event', event: 'prompt.request', payload: { id: 'p', kind: 'password', title: '', message: '' } }))
    }
    await vi.waitFor(() => expect(states).toEqual(['ready']))
    expect(prompts).toEqual([])
  })

  it('reconnects after the socket drops, tells listeners, and fails calls that were in flight', async () => {
    const { url, server, tokens } = await startServer()
    const bridge = bridgeTo(url)
    const api = createApi(bridge)
    await api.call('app.info', {})
    let reconnects = 0
    api.onReconnect(() => reconnects++)

    // A request the server never answers, then the server drops every socket.
    server.removeAllListeners('connection')
    for (const client of server.clients) client.removeAllListeners('message')
    const inFlight = api.call('app.info', {})
    await new Promise((r) => setTimeout(r, 20))
    server.on('connection', (ws) => {
      tokens.push('again')
      ws.on('message', (data) => {
        const request = JSON.parse(String(data)) as WireRequest
        ws.send(JSON.stringify({ type: 'result', id: request.id, result: { ok: true, value: { version: 'again' } } }))
      })
    })
    for (const client of server.clients) client.terminate()

    await expect(inFlight).rejects.toMatchObject({ code: 'CONNECTION_LOST' })
    await expect(api.call('app.info', {})).resolves.toMatchObject({ version: 'again' })
    expect(reconnects).toBe(1)
    expect(tokens).toEqual(['tok en/1', 'again'])
  })

  it('reads the token from the URL fragment the web host prints', () => {
    expect(tokenFromHash('#token=abc%2Bdef')).toBe('abc+def')
    expect(tokenFromHash('#/servers/1?token=x')).toBe('x')
    expect(tokenFromHash('#/servers/1')).toBeUndefined()
  })
})
