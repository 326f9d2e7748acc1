// The latency proxy of the test home server: bytes arrive whole and in order in both directions, a half-close
// passes after the data before it, and an answer never comes back sooner than one round trip of the delay (a
// lower bound only: a busy machine can make it later, never earlier).

import { createHash, randomBytes } from 'node:crypto'
import { connect, createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startLatencyProxy, type LatencyProxy } from '../homeserver/latency-proxy.js'

let server: Server | undefined
let proxy: LatencyProxy | undefined

afterEach(async () => {
  await proxy?.close()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  proxy = undefined
  server = undefined
})

/** An echo server that answers everything, then ends its side when the client ends its own. */
async function echoServer(): Promise<number> {
  server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', (chunk) => socket.write(chunk))
    socket.on('end', () => socket.end())
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()))
  return (server!.address() as { port: number }).port
}

describe('latency proxy', () => {
  it('passes many chunks whole and in order both ways, then the half-close', async () => {
    proxy = await startLatencyProxy({ targetPort: await echoServer(), oneWayMs: 5 })
    const chunks = Array.from({ length: 200 }, (_, i) => randomBytes(1 + ((i * 7919) % 20_000)))
    const sent = createHash('sha256')
    const got = createHash('sha256')
    let received = 0
    const socket = connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true })
    const ended = new Promise<void>((resolve) => socket.on('end', () => resolve()))
    socket.on('data', (chunk: Buffer) => {
      got.update(chunk)
      received += chunk.length
    })
    for (const chunk of chunks) {
      sent.update(chunk)
      socket.write(chunk)
    }
    socket.end()
    await ended
    socket.destroy()
    expect(received).toBe(chunks.reduce((n, c) => n + c.length, 0))
    expect(got.digest('hex')).toBe(sent.digest('hex'))
  })

  it('holds an answer for at least the round trip, and takes a new delay while it runs', async () => {
    proxy = await startLatencyProxy({ targetPort: await echoServer(), oneWayMs: 40 })
    const socket = connect({ port: proxy.port, host: '127.0.0.1' })
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    const echo = async () => {
      const started = performance.now()
      const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()))
      socket.write('ping')
      await answered
      return performance.now() - started
    }
    expect(await echo()).toBeGreaterThanOrEqual(79)
    proxy.oneWayMs = 100
    expect(await echo()).toBeGreaterThanOrEqual(199)
    socket.destroy()
  })
})
