// A big upload builds its SSH packets in place, inside ssh2's internals (`channel-file-send.ts`): on ssh2's
// default AES-GCM cipher the sender must be available (so an ssh2 release that moves those internals fails
// here rather than quietly uploading slower), a range of a file must arrive byte for byte at the real sshd,
// also across a key re-exchange in the middle, and the channel's window must be left as ssh2 keeps it; a send
// that gathers window before it goes must still go when the window it waits for never comes. Where
// the sender cannot work (chacha20-poly1305), it declines and ssh2's public path carries the bytes instead.

import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Client, type ClientChannel } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileSender } from '../../../electron/core/connection/channel-file-send.js'
import { writeInTurn } from '../../../electron/core/files/transfer/stream-put.js'
import { useHomeServer } from '../../homeserver/helpers.js'

const hs = useHomeServer()
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const data = randomBytes(9 * 1024 * 1024 + 12345)
const FROM = 1_234_567
let remote = ''
let local = ''

beforeAll(() => {
  remote = path.join('/dev/shm', `homeport-channel-file-send-${randomBytes(4).toString('hex')}`)
  mkdirSync(remote, { mode: 0o755 })
  execFileSync('chown', [`${hs.user}:${hs.user}`, remote])
  local = path.join(tmpdir(), `homeport-channel-file-send-${randomBytes(4).toString('hex')}.bin`)
  writeFileSync(local, data)
})

afterAll(() => {
  if (remote) rmSync(remote, { recursive: true, force: true })
  if (local) rmSync(local, { force: true })
})

function connect(cipher: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client()
    client.once('ready', () => resolve(client))
    client.once('error', reject)
    client.connect({ host: hs.host, port: hs.sshPort, username: hs.user, privateKey: readFileSync(hs.keys.ed25519), algorithms: { cipher: [cipher] as never } })
  })
}

/** `cat > FILE` on the server; resolves with the channel and a promise of its exit code. */
function catInto(client: Client, file: string): Promise<{ channel: ClientChannel; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    client.exec(`cat > '${file}'`, (err, channel) => {
      if (err) return reject(err)
      channel.resume()
      const exited = new Promise<number | null>((done) => channel.once('close', (code: number | null) => done(code)))
      resolve({ channel, exited })
    })
  })
}

describe('a file range sent down a channel', () => {
  it('goes with packets built in place on AES-GCM, intact across a key re-exchange, the window left as ssh2 keeps it', async () => {
    const client = await connect('aes128-gcm@openssh.com')
    try {
      const file = path.join(remote, 'in-place.bin')
      const { channel, exited } = await catInto(client, file)
      const send = fileSender(channel)
      expect(send).toBeTypeOf('function')
      const sent: number[] = []
      const handle = await open(local, 'r')
      try {
        await send!(handle, FROM, data.length, {
          onSent: (pos) => {
            // A key re-exchange once the first bytes are out: the blocks meeting it go through ssh2.
            if (sent.length === 0) (client as unknown as { _protocol: { rekey(): void } })._protocol.rekey()
            sent.push(pos)
          },
          readError: (err) => new Error(String(err)),
          shortRead: () => new Error('short read'),
        })
      } finally {
        await handle.close()
      }
      expect(sent.at(-1)).toBe(data.length)
      expect(sent).toEqual([...sent].sort((a, b) => a - b))
      const window = Object.getOwnPropertyDescriptor((channel as unknown as { outgoing: object }).outgoing, 'window')
      expect(window).toMatchObject({ writable: true })
      expect(window?.value).toBeTypeOf('number')
      channel.end()
      expect(await exited).toBe(0)
      expect(sha(readFileSync(file))).toBe(sha(data.subarray(FROM)))
      // The connection still carries other channels' packets in order after it.
      const again = await catInto(client, path.join(remote, 'after.txt'))
      again.channel.end('still speaking\n')
      expect(await again.exited).toBe(0)
      expect(readFileSync(path.join(remote, 'after.txt'), 'utf8')).toBe('still speaking\n')
    } finally {
      client.end()
    }
  })

  it('still goes, whole, when the server never hands back the window it gathers for (each send then waits for its timer)', async () => {
    const client = await connect('aes128-gcm@openssh.com')
    try {
      const file = path.join(remote, 'gather-timer.bin')
      const { channel, exited } = await catInto(client, file)
      // A stingy server, as this client sees it: never more than 256 KiB of window, less than a block (1 MiB)
      // and less than the 512 KiB the sender is told to gather.
      const CAP = 256 * 1024
      const outgoing = (channel as unknown as { outgoing: { window: number } }).outgoing
      outgoing.window = CAP
      const handlers = (client as unknown as { _protocol: { _handlers: Record<string, (...args: unknown[]) => void> } })._protocol._handlers
      const adjust = handlers.CHANNEL_WINDOW_ADJUST!
      handlers.CHANNEL_WINDOW_ADJUST = (p: unknown, recipient: unknown, amount: unknown) => adjust(p, recipient, Math.min(amount as number, CAP - outgoing.window))
      const send = fileSender(channel, { gatherBytes: 512 * 1024 })
      expect(send).toBeTypeOf('function')
      const sent: number[] = []
      const handle = await open(local, 'r')
      try {
        await send!(handle, FROM, data.length, { onSent: (pos) => sent.push(pos), readError: (err) => new Error(String(err)), shortRead: () => new Error('short read') })
      } finally {
        await handle.close()
        handlers.CHANNEL_WINDOW_ADJUST = adjust
      }
      expect(sent.at(-1)).toBe(data.length)
      const steps = sent.map((pos, i) => pos - (i === 0 ? FROM : sent[i - 1]!))
      expect(Math.max(...steps)).toBeLessThanOrEqual(CAP)
      channel.end()
      expect(await exited).toBe(0)
      expect(sha(readFileSync(file))).toBe(sha(data.subarray(FROM)))
    } finally {
      client.end()
    }
  })

  it('goes through ssh2 itself where packets cannot be built in place (chacha20-poly1305)', async () => {
    const client = await connect('chacha20-poly1305@openssh.com')
    try {
      const file = path.join(remote, 'public-path.bin')
      const { channel, exited } = await catInto(client, file)
      expect(fileSender(channel)).toBeUndefined()
      const handle = await open(local, 'r')
      let last = 0
      try {
        await writeInTurn(channel, handle, local, FROM, data.length, (pos) => (last = pos), () => false)
      } finally {
        await handle.close()
      }
      expect(last).toBe(data.length)
      channel.end()
      expect(await exited).toBe(0)
      expect(sha(readFileSync(file))).toBe(sha(data.subarray(FROM)))
    } finally {
      client.end()
    }
  })
})
