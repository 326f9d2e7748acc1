import { afterEach, describe, expect, it } from 'vitest'
import { sshdLogSince, sshdLogSize, startSshAgent, useHomeServer } from '../../homeserver/helpers.js'
import { freePort } from '../../homeserver/process.js'
import { SshConnectionManager } from '../../../electron/core/connection/connection-manager.js'
import type { SshTarget } from '../../../electron/core/connection/types.js'
import { ourConnectionsTo, waitFor } from './support.js'

const info = useHomeServer()
const managers: SshConnectionManager[] = []
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.closeAll()))
})

function manager(): SshConnectionManager {
  const m = new SshConnectionManager({ knownHostsPath: '/nonexistent/known_hosts', readyTimeoutMs: 10_000 })
  managers.push(m)
  return m
}

function target(extra: Partial<SshTarget>): SshTarget {
  return { host: info.host, port: info.sshPort, user: info.user, authMethod: 'password', hostKey: info.hostKeyFingerprint, ...extra }
}

async function whoAmI(m: SshConnectionManager, id: string, t: SshTarget): Promise<string> {
  const session = await m.acquire(id, async () => t)
  const result = await session.exec(['id', '-un'])
  expect(result.code).toBe(0)
  return result.stdout.trim()
}

describe('logging in to the real sshd', () => {
  for (const kind of ['ed25519', 'ecdsa', 'rsa'] as const) {
    it(`logs in with an ${kind} key`, async () => {
      expect(await whoAmI(manager(), kind, target({ authMethod: 'key', identityFile: info.keys[kind] }))).toBe(info.user)
    })
  }

  it('logs in with a passphrase-protected key, asking for the passphrase', async () => {
    let asked = 0
    const t = target({ authMethod: 'key', identityFile: info.keys.encrypted, getSecret: async () => (asked++, info.keys.encryptedPassphrase) })
    expect(await whoAmI(manager(), 'encrypted', t)).toBe(info.user)
    expect(asked).toBe(1)
  })

  it('reports PASSPHRASE_REQUIRED for a protected key without a passphrase', async () => {
    const t = target({ authMethod: 'key', identityFile: info.keys.encrypted })
    await expect(manager().acquire('encrypted-no-pass', async () => t)).rejects.toMatchObject({ code: 'PASSPHRASE_REQUIRED' })
  })

  it('logs in with a password and by keyboard-interactive', async () => {
    const m = manager()
    expect(await whoAmI(m, 'password', target({ authMethod: 'password', getSecret: async () => info.password }))).toBe(info.user)
    expect(await whoAmI(m, 'kbd', target({ authMethod: 'keyboard-interactive', getSecret: async () => info.password }))).toBe(info.user)
  })

  it('logs in through an ssh-agent', async () => {
    const agent = await startSshAgent([info.keys.ed25519])
    try {
      expect(await whoAmI(manager(), 'agent', target({ authMethod: 'agent', agentSocket: agent.socket }))).toBe(info.user)
    } finally {
      await agent.stop()
    }
  })

  it('logs in through a ProxyJump host, verifying the jump host key too, with one shared jump session', async () => {
    const m = manager()
    const jumpKey = await m.probeHostKey({ host: info.host, port: info.jumpPort })
    const hop: SshTarget = { host: info.host, port: info.jumpPort, user: info.user, authMethod: 'key', identityFile: info.keys.ed25519, hostKey: jumpKey.fingerprint }
    const viaJump = target({ authMethod: 'key', identityFile: info.keys.ecdsa, jumps: [hop] })
    const session = await m.acquire('via-jump', async () => viaJump)
    const second = await m.acquire('via-jump-too', async () => ({ ...viaJump, authMethod: 'password', getSecret: async () => info.password }))
    // The final server sees the connection arrive from the jump host's forward, not from us directly.
    expect((await session.exec(['sh', '-c', 'echo "$SSH_CONNECTION"'])).stdout.split(' ')[2]).toBe(info.host)
    expect((await second.exec(['id', '-un'])).stdout.trim()).toBe(info.user)
    expect(m.jumpSessionCount).toBe(1)
    expect(await ourConnectionsTo(info.jumpPort)).toBe(1)
    expect(await ourConnectionsTo(info.sshPort)).toBe(0)

    const badHop = { ...hop, hostKey: info.hostKeyFingerprint === jumpKey.fingerprint ? 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' : info.hostKeyFingerprint }
    await expect(manager().acquire('bad-jump', async () => target({ authMethod: 'key', identityFile: info.keys.ed25519, jumps: [badHop] }))).rejects.toMatchObject({
      code: 'HOST_KEY_MISMATCH',
    })
  })

  it('refuses a wrong password with AUTH_FAILED naming user@host:port', async () => {
    const err = await manager().acquire('wrong', async () => target({ getSecret: async () => `${info.password}-wrong` })).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining(`${info.user}@${info.host}:${info.sshPort}`) })
  })

  it('reports a closed port as UNREACHABLE, not as a timeout', async () => {
    const port = await freePort()
    const err = await manager().acquire('closed', async () => target({ port })).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'UNREACHABLE', message: expect.stringContaining(`:${port}`) })
  })

  it('refuses a changed host key with HOST_KEY_MISMATCH before any authentication reaches sshd', async () => {
    const forged = 'SHA256:' + Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '')
    const logStart = await sshdLogSize()
    const err = await manager()
      .acquire('changed', async () => target({ hostKey: forged, getSecret: async () => info.password }))
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'HOST_KEY_MISMATCH' })
    expect((err as Error).message).toContain(forged)
    expect((err as Error).message).toContain(info.hostKeyFingerprint)
    // Wait until sshd has logged the end of that connection, then look at everything it logged for it.
    const log = await waitFor(async () => {
      const text = await sshdLogSince(logStart)
      return /Connection from 127\.0\.0\.1/.test(text) && /(closed|reset|Disconnected|disconnect).*preauth|kex_exchange_identification|Connection closed/i.test(text) ? text : undefined
    }, 'sshd to log the refused connection')
    expect(log).not.toMatch(/Failed|Accepted|userauth|Postponed|Invalid user/i)
  })

  it('answers a host key probe with the fingerprint ssh-keygen prints for the server key', async () => {
    const probed = await manager().probeHostKey({ host: info.host, port: info.sshPort })
    expect(probed).toMatchObject({ host: info.host, port: info.sshPort, fingerprint: info.hostKeyFingerprint })
  })
})
