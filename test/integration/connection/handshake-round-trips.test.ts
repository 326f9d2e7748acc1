// The SSH login without the round trips ssh2 would wait for (electron/core/connection/ssh2-round-trips.ts),
// checked against the real sshd: the login request leaves before the server has accepted the userauth
// service, a key file's key is signed at once (sshd never "postpones" it to ask for the signature), every
// key type still logs in, an unknown key is still refused, and closing still says goodbye before letting go.
// Through the core, the first connection's TCP connect starts while the SSH engine loads
// (connection/early-tcp.ts): it is used, counted once, and a refused one is reported as before.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ssh2 from 'ssh2'
import { afterEach, describe, expect, it } from 'vitest'
import { SshSessionImpl } from '../../../electron/core/connection/session.js'
import { pipelineHandshake } from '../../../electron/core/connection/ssh2-round-trips.js'
import type { SshTarget } from '../../../electron/core/connection/types.js'
import { countRoundTrips } from '../../../electron/core/runtime/index.js'
import { delayedSshd, sshdLogSince, sshdLogSize, useHomeServer } from '../../homeserver/helpers.js'
import { homeServerInput, openTestCore } from '../core/test-core.js'
import { waitFor } from './support.js'

const info = useHomeServer()
const sessions: SshSessionImpl[] = []
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()))
})

function keySession(identityFile: string): SshSessionImpl {
  const target: SshTarget = { host: info.host, port: info.sshPort, user: info.user, authMethod: 'key', identityFile, hostKey: info.hostKeyFingerprint }
  const session = new SshSessionImpl('hp-handshake-round-trips', target, { readyTimeoutMs: 20_000 })
  sessions.push(session)
  return session
}

/** sshd's log lines about one client port, once it has logged that connection's end. */
async function sshdLinesFor(logStart: number, clientPort: string): Promise<string[]> {
  const mine = (text: string) => text.split('\n').filter((line) => line.includes(`port ${clientPort}`))
  return waitFor(async () => {
    const lines = mine(await sshdLogSince(logStart))
    return lines.some((line) => /Disconnected from|Connection closed by/.test(line)) ? lines : undefined
  }, `sshd to log the end of the connection from port ${clientPort}`, 30_000)
}

describe('the SSH login without needless round trips', () => {
  for (const kind of ['ed25519', 'ecdsa', 'rsa'] as const) {
    it(`logs in with an ${kind} key signed at once, and says goodbye on close`, async () => {
      const logStart = await sshdLogSize()
      const session = keySession(info.keys[kind])
      const seen = (await session.exec(['sh', '-c', 'echo "$USER $SSH_CONNECTION"'])).stdout.trim().split(' ')
      expect(seen[0]).toBe(info.user)
      await session.close()
      const lines = await sshdLinesFor(logStart, seen[2])
      expect(lines.filter((line) => line.startsWith(`Accepted publickey for ${info.user}`))).toHaveLength(1)
      // "Postponed" is sshd's answer to a key offered unsigned, asking for the signature: one round trip more.
      expect(lines.filter((line) => line.includes('Postponed'))).toEqual([])
      // Disconnect reason 11: by application. The goodbye reached sshd before this side let go.
      expect(lines.some((line) => line.startsWith(`Received disconnect from ${info.host} port ${seen[2]}:11`))).toBe(true)
    })
  }

  it('sends the login before the server has accepted the userauth service', async () => {
    const lines: string[] = []
    const key = ssh2.utils.parseKey(fs.readFileSync(info.keys.ed25519))
    if (key instanceof Error) throw key
    const client = new ssh2.Client()
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('ready', () => resolve())
        client.once('error', reject)
        client.connect({
          host: info.host,
          port: info.sshPort,
          username: info.user,
          hostVerifier: () => true,
          authHandler: (_left, _partial, next) => next({ type: 'publickey', username: info.user, key }),
          debug: (line) => void lines.push(line),
        })
        pipelineHandshake(client)
      })
    } finally {
      client.end()
    }
    const login = lines.findIndex((line) => line.startsWith('Outbound: Sending USERAUTH_REQUEST (publickey)'))
    const accepted = lines.findIndex((line) => line.startsWith('Inbound: Received SERVICE_ACCEPT'))
    expect(login).toBeGreaterThan(-1)
    expect(accepted).toBeGreaterThan(login)
    expect(lines.filter((line) => line.includes('publickey -- check'))).toEqual([])
  })

  it('still refuses a key the server does not know, with AUTH_FAILED', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-handshake-round-trips-'))
    try {
      const stranger = path.join(dir, 'id_ed25519')
      fs.writeFileSync(stranger, ssh2.utils.generateKeyPairSync('ed25519').private, { mode: 0o600 })
      const err = await keySession(stranger).exec(['true']).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining(`${info.user}@${info.host}:${info.sshPort}`) })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('through the core, connects over the TCP connection opened while the engine loaded; a refused one is UNREACHABLE', async () => {
    const proxy = await delayedSshd(0)
    const first = await openTestCore()
    let closed = false
    try {
      await first.call('servers.add', { ...homeServerInput(info, 'hp-handshake-early'), port: proxy.port })
      await first.core.close()
      const before = proxy.connections
      const second = await openTestCore({ dataDir: first.dataDir })
      try {
        const { tally } = await countRoundTrips(() => second.call('docker.containers', { serverId: 'hp-handshake-early', all: true }))
        expect(tally.where.get(`handshake ${info.user}@${info.host}:${proxy.port} tcp connect`)).toBe(1)
        expect(proxy.connections - before).toBe(1)
      } finally {
        await second.core.close()
      }
      await proxy.close()
      closed = true
      const third = await openTestCore({ dataDir: first.dataDir })
      try {
        const err = await third.refused('docker.containers', { serverId: 'hp-handshake-early', all: true })
        expect(err).toMatchObject({ code: 'UNREACHABLE', message: expect.stringContaining(`:${proxy.port}`) })
      } finally {
        await third.core.close()
      }
    } finally {
      if (!closed) await proxy.close()
      fs.rmSync(first.dataDir, { recursive: true, force: true })
    }
  })
})
