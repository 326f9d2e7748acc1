// The web host's transport details beyond access control: the token as a WebSocket subprotocol, static
// files that cannot escape the renderer folder, core events pushed to sockets, calls that land in the
// real SQLite database, and clients that do not speak the wire format.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { WireMessage } from '../../shared/bridge.js'
import type { Result } from '../../shared/errors.js'
import { createCore } from '../../electron/core/runtime/create-core.js'
import { MemorySecretStore } from '../../electron/core/secrets/memory-store.js'
import { startWebHost, type WebHost } from '../../electron/web/web-host.js'

let tmp: string
let host: WebHost
const coreOptions = () => ({
  dataDir: path.join(tmp, 'home'),
  secrets: new MemorySecretStore(),
  sshConfigPath: path.join(tmp, 'ssh_config'),
  knownHostsPath: path.join(tmp, 'known_hosts'),
})

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'homeport-web-transport-'))
  writeFileSync(path.join(tmp, 'ssh_config'), '')
  writeFileSync(path.join(tmp, 'known_hosts'), '')
  mkdirSync(path.join(tmp, 'renderer', 'assets'), { recursive: true })
  writeFileSync(path.join(tmp, 'renderer', 'index.html'), '<!doctype html><title>Homeport</title>')
  writeFileSync(path.join(tmp, 'renderer', 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(path.join(tmp, 'secret.txt'), 'outside the renderer')
  host = await startWebHost({ rendererDir: path.join(tmp, 'renderer'), createCore: (events) => createCore({ ...coreOptions(), events }) })
})

afterAll(async () => {
  await host?.close()
  rmSync(tmp, { recursive: true, force: true })
})

function get(urlPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, path: urlPath }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function open(query: string, protocols: string[] = []): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, protocols)
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

function call(ws: WebSocket, id: number, method: string, input: unknown): Promise<Result<unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as WireMessage
      if (msg.type === 'result' && msg.id === id) {
        ws.off('message', onMessage)
        resolve(msg.result)
      }
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ type: 'call', id, method, input }))
  })
}

describe('web host transport', () => {
  it('takes the token as a subprotocol and never echoes it back', async () => {
    const ws = await open('', ['homeport', `homeport.token.${host.token}`])
    expect(ws.protocol).toBe('homeport')
    ws.close()
    await expect(open('', ['homeport', 'homeport.token.wrong'])).rejects.toThrow('401')
  })

  it('serves renderer assets with their type, and nothing outside the renderer folder', async () => {
    expect((await get('/assets/app.js')).headers['content-type']).toContain('text/javascript')
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await get(p)
      expect(res.body).not.toContain('outside the renderer')
    }
  })

  it('stores what a call writes in the real database', async () => {
    const ws = await open(`?token=${host.token}`)
    try {
      expect(await call(ws, 1, 'settings.set', { key: 'theme', value: 'dark' })).toMatchObject({ ok: true })
      expect(await call(ws, 2, 'settings.get', { key: 'theme' })).toEqual({ ok: true, value: 'dark' })
    } finally {
      ws.close()
    }
    // A second core on the same data dir reads it from SQLite, not from the first core's memory.
    const other = await createCore(coreOptions())
    try {
      expect(await other.handlers['settings.get']({ key: 'theme' }, { clientId: 't' })).toBe('dark')
    } finally {
      await other.close()
    }
  })

  it('pushes core events to every connected socket', async () => {
    const sockets = [await open(`?token=${host.token}`), await open(`?token=${host.token}`)]
    const received = sockets.map((ws) => new Promise<WireMessage>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()) as WireMessage))))
    host.events.emit('secrets.warning', { message: 'No keychain.', hint: 'Unlock it.' })
    for (const message of await Promise.all(received)) {
      expect(message).toEqual({ type: 'event', event: 'secrets.warning', payload: { message: 'No keychain.', hint: 'Unlock it.' } })
    }
    for (const ws of sockets) ws.close()
  })

  it('drops a client that does not speak the wire format', async () => {
    const ws = await open(`?token=${host.token}`)
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    ws.send('hello')
    expect(await closed).toBe(1008)
  })
})
