// The TCP connection opened while the SSH engine loads: handed over once, never twice, with what the server
// sent meanwhile kept for its reader, and a connection the server refused is nothing to hand over (the
// session then connects itself and reports the failure).

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { openEarlyTcp, takeEarlyTcp } from './early-tcp.js'

const servers: Server[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))))
})

async function listening(onConnection: (socket: Socket) => void = () => {}): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket)
    onConnection(socket)
  })
  servers.push(server)
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return (server.address() as AddressInfo).port
}

describe('the TCP connection opened early', () => {
  it('is handed over once, connected to the server, which sees one connection', async () => {
    const received: string[] = []
    let connections = 0
    const port = await listening((socket) => {
      connections++
      socket.on('data', (d) => received.push(d.toString()))
    })
    openEarlyTcp('127.0.0.1', port)
    openEarlyTcp('127.0.0.1', port)
    const socket = takeEarlyTcp('127.0.0.1', port)
    expect(socket).toBeDefined()
    sockets.push(socket!)
    expect(takeEarlyTcp('127.0.0.1', port)).toBeUndefined()
    socket!.write('SSH-2.0-test\r\n')
    await expect.poll(() => received.join(''), { timeout: 10_000 }).toBe('SSH-2.0-test\r\n')
    expect(connections).toBe(1)
  })

  it("keeps what the server sent before it was taken (its greeting) for the reader's first read", async () => {
    const port = await listening((socket) => socket.write('SSH-2.0-server\r\n'))
    openEarlyTcp('127.0.0.1', port)
    await new Promise((r) => setTimeout(r, 300))
    const socket = takeEarlyTcp('127.0.0.1', port)!
    sockets.push(socket)
    const received: string[] = []
    socket.on('data', (d: Buffer) => received.push(d.toString()))
    socket.resume()
    await expect.poll(() => received.join(''), { timeout: 10_000 }).toBe('SSH-2.0-server\r\n')
  })

  it('is nothing to take once the server refused it', async () => {
    const port = await listening()
    await new Promise((done) => servers.pop()!.close(done))
    openEarlyTcp('127.0.0.1', port)
    // A refused connect drops the socket; until it has, the socket is still connecting.
    await expect
      .poll(() => {
        const socket = takeEarlyTcp('127.0.0.1', port)
        if (!socket) return 'gone'
        socket.destroy()
        openEarlyTcp('127.0.0.1', port)
        return 'connecting'
      }, { timeout: 10_000 })
      .toBe('gone')
  })

  it('is not taken for another server', async () => {
    const port = await listening()
    openEarlyTcp('127.0.0.1', port)
    expect(takeEarlyTcp('127.0.0.1', port + 1)).toBeUndefined()
    const socket = takeEarlyTcp('127.0.0.1', port)
    expect(socket).toBeDefined()
    sockets.push(socket!)
  })
})
