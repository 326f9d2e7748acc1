// The web host with a real core (SQLite in a temp dir, no server connections): who may open the socket,
// and that calls come back in the contract's envelope with validation errors naming their paths.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { WireMessage } from '../../shared/bridge.js'
import { createCore } from '../../electron/core/runtime/create-core.js'
import { MemorySecretStore } from '../../electron/core/secrets/memory-store.js'
import { startWebHost, type WebHost } from '../../electron/web/web-host.js'

let dir: string
let host: WebHost

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'homeport-web-'))
  const rendererDir = join(dir, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Homeport</title>')
  host = await startWebHost({
    rendererDir,
    createCore: (events) => createCore({ dataDir: join(dir, 'data'), events, secrets: new MemorySecretStore(), sshConfigPath: join(dir, 'none'), knownHostsPath: join(dir, 'none') }),
  })
})
afterAll(async () => {
  await host?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Resolves with the HTTP status the upgrade got (101 when accepted). */
function upgradeStatus(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, { headers })
    ws.on('open', () => {
      ws.close()
      resolve(101)
    })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('error', reject)
  })
}

function connect(): Promise<{ call: (method: string, input: unknown) => Promise<WireMessage>; close: () => void }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { headers: { Origin: host.origin } })
    let next = 1
    const waiting = new Map<number, (m: WireMessage) => void>()
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as WireMessage
      if (msg.type === 'result') waiting.get(msg.id)?.(msg)
    })
    ws.on('open', () =>
      resolve({
        call: (method, input) =>
          new Promise((res) => {
            const id = next++
            waiting.set(id, res)
            ws.send(JSON.stringify({ type: 'call', id, method, input }))
          }),
        close: () => ws.close(),
      }),
    )
    ws.on('error', reject)
  })
}

describe('web host', () => {
  it('listens on loopback only and prints a URL that carries the token in the fragment', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`)
    expect(host.token.length).toBeGreaterThanOrEqual(32)
  })

  it('refuses the socket without the token, with a wrong token, from a foreign origin or host name', async () => {
    expect(await upgradeStatus('/ws')).toBe(401)
    expect(await upgradeStatus('/ws?token=wrong')).toBe(401)
    expect(await upgradeStatus(`/ws?token=${host.token}`, { Origin: 'http://evil.example' })).toBe(403)
    expect(await upgradeStatus(`/ws?token=${host.token}`, { Host: `rebound.example:${host.port}` })).toBe(421)
    expect(await upgradeStatus(`/ws?token=${host.token}`, { Origin: host.origin })).toBe(101)
  })

  it('serves the renderer with the security headers', async () => {
    const res = await new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      request(`http://127.0.0.1:${host.port}/`, (r) => {
        r.resume()
        resolve({ status: r.statusCode ?? 0, headers: r.headers })
      })
        .on('error', reject)
        .end()
    })
    expect(res.status).toBe(200)
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'")
    expect(res.headers['x-frame-options']).toBe('DENY')
  })

  it('answers calls in the envelope, naming every invalid field', async () => {
    const client = await connect()
    try {
      expect(await client.call('servers.list', {})).toMatchObject({ type: 'result', result: { ok: true, value: [] } })
      const bad = await client.call('servers.add', { name: '', port: 70000, authMethod: 'key', host: 'a b' })
      expect(bad).toMatchObject({ type: 'result', result: { ok: false, error: { code: 'INVALID_INPUT' } } })
      const message = (bad as { result: { error: { message: string } } }).result.error.message
      expect(message).toContain('name:')
      expect(message).toContain('port:')
      expect(message).toContain('host:')
      expect(await client.call('nope.nothing', {})).toMatchObject({ result: { ok: false, error: { code: 'INVALID_INPUT', message: 'Unknown method "nope.nothing".' } } })
      const missing = await client.call('servers.get', { id: 'ghost' })
      expect(missing).toMatchObject({ result: { ok: false, error: { code: 'NOT_FOUND' } } })
    } finally {
      client.close()
    }
  })
})
