import http from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { inspect } from 'node:util'
import { join } from 'node:path'
import { Duplex } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TunnelAgent } from './tunnel-agent.js'

// A Duplex with none of net.Socket's extra methods, like an ssh2 channel: bytes go to a real unix socket.
class BareChannel extends Duplex {
  private readonly socket: net.Socket
  constructor(path: string) {
    super()
    this.socket = net.connect(path)
    this.socket.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) this.socket.pause()
    })
    this.socket.on('end', () => this.push(null))
    this.socket.on('close', () => this.destroy())
  }
  override _read(): void {
    this.socket.resume()
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.socket.write(chunk, cb)
  }
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.socket.destroy()
    cb(err)
  }
}

function get(agent: http.Agent, socketPath: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path, agent }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve(body))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('TunnelAgent', () => {
  let dir: string
  let socketPath: string
  let server: http.Server
  const connections: net.Socket[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeport-agent-'))
    socketPath = join(dir, 'engine.sock')
    server = http.createServer((req, res) => {
      if (req.url !== '/cut') return res.end(`answer to ${req.url}`)
      // Half an answer, then the connection goes away, as when the SSH connection under a channel dies.
      res.writeHead(200, { 'Content-Length': '100' })
      res.write('only part of it', () => req.socket.end())
    })
    server.on('connection', (s: net.Socket) => connections.push(s))
    await new Promise<void>((resolve) => server.listen(socketPath, resolve))
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await rm(dir, { recursive: true, force: true })
  })

  it('carries requests over channels without socket methods and reuses one channel for sequential calls', async () => {
    let opened = 0
    const agent = new TunnelAgent(async () => {
      opened++
      return new BareChannel(socketPath)
    })
    const before = connections.length
    for (let i = 0; i < 5; i++) expect(await get(agent, socketPath, `/call/${i}`)).toBe(`answer to /call/${i}`)
    expect(opened).toBe(1)
    expect(connections.length - before).toBe(1)
    agent.destroy()
  })

  it('opens one channel per concurrent request', async () => {
    let opened = 0
    const agent = new TunnelAgent(async () => {
      opened++
      return new BareChannel(socketPath)
    })
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => get(agent, socketPath, `/p/${i}`)))
    expect(answers).toEqual(Array.from({ length: 6 }, (_, i) => `answer to /p/${i}`))
    expect(opened).toBe(6)
    agent.destroy()
  })

  it('stays a short label when request options are inspected, however much its pooled channels reference', async () => {
    const agent = new TunnelAgent(async () => Object.assign(new BareChannel(socketPath), { connection: { deep: Array.from({ length: 2000 }, (_, i) => ({ i })) } }))
    await get(agent, socketPath, '/pooled')
    const text = inspect({ path: '/containers/json', agent }, { showHidden: true, depth: null })
    expect(text).toContain('TunnelAgent { sockets: 0, free: 1 }')
    expect(text.length).toBeLessThan(200)
    agent.destroy()
  })

  it('fails a request whose answer the channel ends half-way instead of leaving it pending', async () => {
    const agent = new TunnelAgent(async () => new BareChannel(socketPath))
    const outcome = await new Promise<string>((resolve) => {
      const req = http.request({ socketPath, path: '/cut', agent }, (res) => {
        res.on('data', () => {})
        res.on('end', () => resolve('ended as if complete'))
      })
      req.on('error', (err: Error & { code?: string }) => resolve(`error ${err.code}`))
      req.end()
    })
    expect(outcome).toBe('error CONNECTION_LOST')
    agent.destroy()
  })

  it('fails the request with the error of a channel that could not be opened', async () => {
    const agent = new TunnelAgent(async () => {
      throw new Error('(SSH) Channel open failure: open failed')
    })
    await expect(get(agent, socketPath, '/')).rejects.toThrow('Channel open failure')
    agent.destroy()
  })
})
