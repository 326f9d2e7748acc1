// A big download takes its channel's data straight from the decrypted packet while the socket's reads are
// lent (`direct-receive.ts`, `receive-socket.ts`): on ssh2's default AES-GCM cipher a session's connection
// must offer it (an ssh2 release that moves those internals fails here rather than quietly downloading
// slower), the reads must really be lent (the views share one reused buffer), and nothing else on the
// connection may see a byte of a reused read: a channel paused while the download runs (ssh2 keeps its data
// until it is read), SFTP reads, and a key re-exchange in the middle all come through whole; nor may a packet
// whose tag is cut between two reads (a proxy cuts them so). Where it cannot work (chacha20-poly1305), it
// declines and the data comes as 'data' events.

import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import path from 'node:path'
import { Client, type ClientChannel } from 'ssh2'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { widenWindow } from '../../../electron/core/connection/channel-window.js'
import { SshConnectionManager } from '../../../electron/core/connection/connection-manager.js'
import { enableDirectReceive, receiveDirect } from '../../../electron/core/connection/direct-receive.js'
import { connectReceiving } from '../../../electron/core/connection/receive-socket.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { targetFor } from './support.js'

const hs = useHomeServer()
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const big = randomBytes(48 * 1024 * 1024)
const other = randomBytes(3 * 1024 * 1024 + 777)
let dir = ''
let manager: SshConnectionManager | undefined

beforeAll(() => {
  dir = path.join('/dev/shm', `homeport-direct-receive-${randomBytes(4).toString('hex')}`)
  mkdirSync(dir, { mode: 0o755 })
  writeFileSync(path.join(dir, 'big.bin'), big)
  writeFileSync(path.join(dir, 'other.bin'), other)
  execFileSync('chown', ['-R', `${hs.user}:${hs.user}`, dir])
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

afterEach(async () => {
  await manager?.closeAll()
  manager = undefined
})

interface Received {
  /** Everything the channel carried, in order, whichever way it came. */
  bytes: Buffer
  /** Calls of the direct reader, and how many different buffers their views lay in. */
  direct: number
  buffers: number
}

/** Reads `channel` to its close through `receiveDirect` (and 'data' events), topping the window up as it goes. */
function readDirect(channel: ClientChannel, onBytes: (n: number) => void = () => {}): { registered: boolean; done: Promise<Received> } {
  const parts: Buffer[] = []
  let total = 0
  let direct = 0
  const buffers = new Set<ArrayBufferLike>()
  const topUp = widenWindow(channel)
  const keep = (data: Buffer): void => {
    parts.push(Buffer.from(data))
    total += data.length
    onBytes(total)
  }
  const stop = receiveDirect(channel, (data) => {
    direct++
    buffers.add(data.buffer)
    keep(data)
    topUp()
  })
  channel.on('data', keep)
  const done = new Promise<Received>((resolve) =>
    channel.once('close', () => {
      stop?.()
      resolve({ bytes: Buffer.concat(parts), direct, buffers: buffers.size })
    }),
  )
  return { registered: stop !== undefined, done }
}

/** `cat FILE` on the client's connection, with the channel left paused until `resumeWhen` settles. */
function catPaused(client: Client, file: string, resumeWhen: Promise<unknown>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.exec(`cat '${file}'`, (err, channel) => {
      if (err) return reject(err)
      const parts: Buffer[] = []
      channel.pause()
      channel.on('data', (c: Buffer) => parts.push(c))
      void resumeWhen.then(() => channel.resume())
      channel.once('close', () => resolve(Buffer.concat(parts)))
    })
  })
}

function sftpRead(client: Client, file: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    client.sftp((err, sftp) => {
      if (err) return reject(err)
      sftp.readFile(file, (e, data) => (e ? reject(e) : resolve(data)))
    }),
  )
}

function execChannel(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => client.exec(command, (err, channel) => (err ? reject(err) : resolve(channel))))
}

/** SSH_MSG_NEWKEYS: the server's packets after it are AES-GCM ones (length in the clear, body, 16-byte tag). */
const NEWKEYS = 21

/**
 * A TCP proxy to the test sshd that sends every 5th of the server's encrypted packets in two writes 2 ms apart,
 * cut in the middle of its tag, so the client reads the packet's body whole and its tag in two reads.
 */
async function tagCuttingProxy(): Promise<{ port: number; cuts: () => number; close(): Promise<void> }> {
  const sockets: Socket[] = []
  let cuts = 0
  const server: Server = createServer((client) => {
    const upstream = connect({ host: hs.host, port: hs.sshPort, noDelay: true })
    client.setNoDelay(true)
    sockets.push(client, upstream)
    client.pipe(upstream)
    let pending = Buffer.alloc(0)
    let stage: 'greeting' | 'clear' | 'gcm' = 'greeting'
    let packets = 0
    let sending = Promise.resolve()
    const send = (part: Buffer, pauseAfter = false): void => {
      sending = sending.then(() => {
        client.write(part)
        return pauseAfter ? new Promise((r) => setTimeout(r, 2)) : undefined
      })
    }
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      for (;;) {
        if (stage === 'greeting') {
          const end = pending.indexOf('\r\n')
          if (end < 0) return
          send(pending.subarray(0, end + 2))
          pending = pending.subarray(end + 2)
          stage = 'clear'
          continue
        }
        if (pending.length < 6) return
        const total = 4 + pending.readUInt32BE(0) + (stage === 'gcm' ? 16 : 0)
        if (pending.length < total) return
        const packet = pending.subarray(0, total)
        pending = pending.subarray(total)
        if (stage === 'clear') {
          if (packet[5] === NEWKEYS) stage = 'gcm'
          send(packet)
        } else if (++packets % 5 === 0) {
          cuts++
          send(packet.subarray(0, total - 8), true)
          send(packet.subarray(total - 8))
        } else {
          send(packet)
        }
      }
    })
    const end = (): void => {
      client.destroy()
      upstream.destroy()
    }
    client.on('close', end).on('error', end)
    upstream.on('close', end).on('error', end)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as AddressInfo).port,
    cuts: () => cuts,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise((r) => server.close(r))
    },
  }
}

describe('a channel read straight from the decrypted packets', () => {
  it("is offered on a session's connection; the download and everything beside it, across a re-key, arrive whole", async () => {
    manager = new SshConnectionManager({ knownHostsPath: '/nonexistent/known_hosts' })
    const session = await manager.acquire('direct', async () => targetFor(hs))
    const client = await session.ready()
    const channel = await session.execStream(['cat', '--', path.join(dir, 'big.bin')])
    let halfway!: () => void
    const pastHalf = new Promise<void>((r) => (halfway = r))
    const protocol = (client as unknown as { _protocol: { rekey(): void; _decipher: unknown } })._protocol
    const firstDecipher = protocol._decipher
    let rekeyed = false
    const reading = readDirect(channel, (n) => {
      if (n >= 8 * 1024 * 1024 && !rekeyed) {
        rekeyed = true
        // ssh2's client has no rekey of its own; its protocol does.
        protocol.rekey()
      }
      if (n >= big.length / 2) halfway()
    })
    expect(reading.registered).toBe(true)
    const paused = catPaused(client, path.join(dir, 'other.bin'), pastHalf)
    const sftp = sftpRead(client, path.join(dir, 'other.bin'))
    const got = await reading.done
    expect(got.bytes.length).toBe(big.length)
    expect(sha(got.bytes)).toBe(sha(big))
    // The key exchange ran to its end in the middle: the packets after it came through a decipher of its own.
    expect(rekeyed).toBe(true)
    expect(protocol._decipher).not.toBe(firstDecipher)
    // Lent reads: the views lie in a few reused buffers, not one of their own each.
    expect(got.direct).toBeGreaterThan(100)
    expect(got.buffers).toBeLessThan(got.direct / 10)
    expect(sha(await paused)).toBe(sha(other))
    expect(sha(await sftp)).toBe(sha(other))
    // The connection goes on as before once the reader is gone.
    const after = await execChannel(client, `cat '${path.join(dir, 'other.bin')}'`)
    const parts: Buffer[] = []
    after.on('data', (c: Buffer) => parts.push(c))
    await new Promise((r) => after.once('close', r))
    expect(sha(Buffer.concat(parts))).toBe(sha(other))
  })

  it("comes through whole when packets' tags are cut between reads", async () => {
    const proxy = await tagCuttingProxy()
    const client = new Client()
    try {
      const sock = connectReceiving('127.0.0.1', proxy.port)
      await new Promise<void>((resolve, reject) => {
        client.once('ready', () => resolve())
        client.once('error', reject)
        client.connect({ sock, username: hs.user, privateKey: readFileSync(hs.keys.ed25519), algorithms: { cipher: ['aes128-gcm@openssh.com'] as never } })
      })
      expect(enableDirectReceive(client)).toBe(true)
      const reading = readDirect(await execChannel(client, `head -c 16777216 '${path.join(dir, 'big.bin')}'`))
      expect(reading.registered).toBe(true)
      const got = await reading.done
      expect(sha(got.bytes)).toBe(sha(big.subarray(0, 16 * 1024 * 1024)))
      expect(got.direct).toBeGreaterThan(100)
      expect(proxy.cuts()).toBeGreaterThan(50)
    } finally {
      client.end()
      await proxy.close()
    }
  })

  it('declines on a cipher it does not know (chacha20-poly1305): the data comes as data events, whole', async () => {
    const client = new Client()
    const sock = connectReceiving(hs.host, hs.sshPort)
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve())
      client.once('error', reject)
      client.connect({ sock, username: hs.user, privateKey: readFileSync(hs.keys.ed25519), algorithms: { cipher: ['chacha20-poly1305@openssh.com'] as never } })
    })
    try {
      expect(enableDirectReceive(client)).toBe(false)
      const reading = readDirect(await execChannel(client, `cat '${path.join(dir, 'big.bin')}'`))
      expect(reading.registered).toBe(false)
      const got = await reading.done
      expect(got.direct).toBe(0)
      expect(sha(got.bytes)).toBe(sha(big))
    } finally {
      client.end()
    }
  })
})
