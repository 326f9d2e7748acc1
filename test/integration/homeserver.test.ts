// Proves the test home server is made of real parts: sshd with real users and keys, a Docker engine
// reached through the user's login profile, a registry the engine pulls from, a keychain, a jump host.

import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import keytar from 'keytar'
import { Client, type ConnectConfig } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  docker,
  execOnClient,
  killSshConnections,
  removeTestContainers,
  sshdLogSince,
  sshdLogSize,
  startSshAgent,
  swapHostKey,
  useHomeServer,
} from '../homeserver/helpers.js'
import { run } from '../homeserver/process.js'
import { ensureUser, removeUser } from '../homeserver/users.js'

const hs = useHomeServer()
const PREFIX = 'hs-selftest-'
let scratch: string
let sshConfig: string

/** System `ssh` through a config that pins the real host key (no StrictHostKeyChecking=no). */
function ssh(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return run('ssh', ['-F', sshConfig, ...args], { env, allowFailure: true })
}

function connect(config: Partial<ConnectConfig>, port = hs.sshPort): Promise<{ client: Client; hostKeyFingerprint: string }> {
  return new Promise((resolve, reject) => {
    const client = new Client()
    let hostKeyFingerprint = ''
    client.once('ready', () => resolve({ client, hostKeyFingerprint }))
    client.once('error', reject)
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => hs.password)))
    client.connect({
      host: hs.host,
      port,
      username: hs.user,
      hostVerifier: (key: Buffer) => {
        hostKeyFingerprint = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`
        return true
      },
      ...config,
    })
  })
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'homeport-selftest-'))
  const hostKey = await readFile(join(hs.workDir, 'host-keys', 'ssh_host_ed25519_key.pub'), 'utf8')
  const keyType = hostKey.split(' ').slice(0, 2).join(' ')
  await writeFile(
    join(scratch, 'known_hosts'),
    [hs.sshPort, hs.jumpPort, hs.noStreamLocalPort].map((port) => `[127.0.0.1]:${port} ${keyType}`).join('\n') + '\n',
  )
  const host = (alias: string, port: number, settings: string[], user = hs.user) => [
    `Host ${alias}`,
    '  HostName 127.0.0.1',
    `  User ${user}`,
    `  Port ${port}`,
    '  BatchMode yes',
    '  StrictHostKeyChecking yes',
    '  HostKeyAlgorithms ssh-ed25519',
    `  UserKnownHostsFile ${join(scratch, 'known_hosts')}`,
    '  LogLevel ERROR',
    ...settings.map((line) => `  ${line}`),
  ]
  const onlyKey = (path: string) => [`IdentityFile ${path}`, 'IdentitiesOnly yes']
  sshConfig = join(scratch, 'ssh_config')
  await writeFile(
    sshConfig,
    [
      ...host('hp-main', hs.sshPort, onlyKey(hs.keys.ed25519)),
      ...host('hp-nodocker', hs.sshPort, onlyKey(hs.keys.ed25519), hs.noDockerUser),
      ...host('hp-jump', hs.jumpPort, onlyKey(hs.keys.ecdsa)),
      ...host('hp-via-jump', hs.sshPort, [...onlyKey(hs.keys.ed25519), 'ProxyJump hp-jump']),
      ...host('hp-agent', hs.sshPort, []),
      '',
    ].join('\n'),
  )
})

afterAll(async () => {
  if (!hs.available) return
  await removeTestContainers(PREFIX)
  await rm(scratch, { recursive: true, force: true })
})

describe('test home server', () => {
  it('serves the ed25519 host key whose fingerprint it reports', async () => {
    const printed = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(hs.workDir, 'host-keys', 'ssh_host_ed25519_key.pub')])
    expect(printed.stdout.split(' ')[1]).toBe(hs.hostKeyFingerprint)
    const { client, hostKeyFingerprint } = await connect({ privateKey: await readFile(hs.keys.ed25519) })
    client.end()
    expect(hostKeyFingerprint).toBe(hs.hostKeyFingerprint)
  })

  it('lets the system ssh client log in by key and run docker ps through the profile DOCKER_HOST', async () => {
    const name = `${PREFIX}ps-${process.pid}`
    await docker(['run', '-d', '--name', name, hs.images[0], 'sleep', '300'])
    const offset = await sshdLogSize()
    const result = await ssh(['hp-main', 'bash -lc \'echo "host=$DOCKER_HOST"; docker ps --format "{{.Names}}"\''])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`host=${hs.dockerHost}`)
    expect(result.stdout.split('\n')).toContain(name)
    expect(await sshdLogSince(offset)).toMatch(new RegExp(`Accepted publickey for ${hs.user} from 127\\.0\\.0\\.1 .*ED25519`))
  })

  it('accepts the password, keyboard-interactive, rsa, ecdsa and passphrase-protected keys', async () => {
    const methods: Array<Partial<ConnectConfig>> = [
      { password: hs.password },
      { tryKeyboard: true, authHandler: ['keyboard-interactive'] },
      { privateKey: await readFile(hs.keys.rsa) },
      { privateKey: await readFile(hs.keys.ecdsa) },
      { privateKey: await readFile(hs.keys.encrypted), passphrase: hs.keys.encryptedPassphrase },
    ]
    for (const method of methods) {
      const { client } = await connect(method)
      const whoami = await execOnClient(client, 'id -un')
      client.end()
      expect(whoami.stdout.trim()).toBe(hs.user)
    }
    await expect(connect({ password: `${hs.password}-wrong` })).rejects.toThrow(/authentication methods failed/)
  })

  it('refuses the docker socket to the user outside group docker', async () => {
    const result = await ssh(['hp-nodocker', 'id -nG; bash -lc "docker ps"'])
    expect(result.stdout.split(/\s+/)).not.toContain('docker')
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/permission denied/i)
    expect(result.stderr).toContain(hs.dockerSocket)
  })

  it('lets the engine pull an image from the local registry again after its local copy is removed', async () => {
    const [first, second] = hs.images
    const digestOf = async (reference: string) => (await docker(['image', 'inspect', '--format', '{{index .RepoDigests 0}}', reference])).trim()
    expect(await digestOf(first)).not.toBe(await digestOf(second))
    await docker(['image', 'rm', second])
    await expect(docker(['image', 'inspect', second])).rejects.toThrow(/No such image/i)
    const pulled = await docker(['pull', second])
    expect(pulled).toContain(`Downloaded newer image for ${second}`)
    const content = await docker(['run', '--rm', '--name', `${PREFIX}pull-${process.pid}`, second, 'cat', '/etc/homeport-image'])
    expect(content.trim()).toBe('busybox 2')
  })

  it('stores, reads and deletes a secret through keytar in the test keychain', async () => {
    expect(process.env.DBUS_SESSION_BUS_ADDRESS).toBe(hs.dbusSessionBusAddress)
    const service = 'homeport-selftest'
    const account = `account-${process.pid}`
    await keytar.setPassword(service, account, 'correct horse battery staple')
    expect(await keytar.getPassword(service, account)).toBe('correct horse battery staple')
    expect(await keytar.deletePassword(service, account)).toBe(true)
    expect(await keytar.getPassword(service, account)).toBeNull()
  })

  it('forwards through the jump host (ssh -J)', async () => {
    const jumpOffset = await sshdLogSize(hs.jumpPort)
    const mainOffset = await sshdLogSize()
    const result = await ssh(['hp-via-jump', 'echo "$SSH_CONNECTION"'])
    expect(result.stderr).toBe('')
    expect(result.stdout.trim()).toMatch(new RegExp(` ${hs.sshPort}$`))
    expect(await sshdLogSince(jumpOffset, hs.jumpPort)).toMatch(new RegExp(`Accepted publickey for ${hs.user} .*ECDSA`))
    expect(await sshdLogSince(mainOffset)).toMatch(new RegExp(`Accepted publickey for ${hs.user} .*ED25519`))
  })

  it('logs in through an ssh-agent holding a plain and a passphrase-protected key', async () => {
    const agent = await startSshAgent([hs.keys.rsa, { path: hs.keys.encrypted, passphrase: hs.keys.encryptedPassphrase }])
    try {
      const env = { ...process.env, SSH_AUTH_SOCK: agent.socket }
      const listed = await run('ssh-add', ['-l'], { env })
      expect(listed.stdout.trim().split('\n')).toHaveLength(2)
      const result = await ssh(['hp-agent', 'id -un'], env)
      expect(result.stdout.trim()).toBe(hs.user)
    } finally {
      await agent.stop()
    }
  })

  it('refuses stream-local forwarding on the third sshd, where docker system dial-stdio still reaches the engine', async () => {
    const privateKey = await readFile(hs.keys.ed25519)
    const { client } = await connect({ privateKey }, hs.noStreamLocalPort)
    try {
      await expect(
        new Promise((resolve, reject) =>
          client.openssh_forwardOutStreamLocal(hs.dockerSocket, (error, channel) => (error ? reject(error) : resolve(channel))),
        ),
      ).rejects.toThrow(/open failure|administratively prohibited/i)
      const ping = await execOnClient(client, 'bash -lc "docker system dial-stdio"', 'GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n')
      expect(ping.stdout).toMatch(/^HTTP\/1\.[01] 200 OK/)
      expect(ping.stdout.endsWith('OK')).toBe(true)
    } finally {
      client.end()
    }
  })

  it('cuts live connections with killSshConnections while the listener keeps accepting', async () => {
    const privateKey = await readFile(hs.keys.ed25519)
    const { client } = await connect({ privateKey })
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
    expect(await killSshConnections()).toBeGreaterThanOrEqual(1)
    await closed
    const again = await connect({ privateKey })
    expect((await execOnClient(again.client, 'id -un')).stdout.trim()).toBe(hs.user)
    again.client.end()
  })

  it('swaps the main sshd to the alternate host key and back', async () => {
    const privateKey = await readFile(hs.keys.ed25519)
    await swapHostKey('alternate')
    try {
      const swapped = await connect({ privateKey, algorithms: { serverHostKey: ['ssh-ed25519'] } })
      swapped.client.end()
      expect(swapped.hostKeyFingerprint).toBe(hs.alternateHostKeyFingerprint)
      expect(hs.alternateHostKeyFingerprint).not.toBe(hs.hostKeyFingerprint)
    } finally {
      await swapHostKey('original')
    }
    const restored = await connect({ privateKey, algorithms: { serverHostKey: ['ssh-ed25519'] } })
    restored.client.end()
    expect(restored.hostKeyFingerprint).toBe(hs.hostKeyFingerprint)
  })

  it('lets a user made again by name use crontab, though the crontab of the removed one had another uid', async () => {
    const name = `hpcron-${process.pid}`
    const spec = { name, password: 'x', inDockerGroup: false, authorizedKeyFiles: [], dockerHost: hs.dockerHost }
    try {
      await ensureUser(spec)
      await run('crontab', ['-u', name, '-'], { input: '# first\n' })
      await run('chown', ['12345', `/var/spool/cron/crontabs/${name}`])
      await run('userdel', [name])
      await ensureUser(spec)
      const listed = await run('su', ['-s', '/bin/sh', '-c', 'crontab -l; echo "* * * * * true" | crontab -; crontab -l', name], { allowFailure: true })
      expect(listed.stderr).not.toMatch(/denied/)
      expect(listed.stdout).toContain('* * * * * true')
      expect(listed.stdout).not.toContain('# first')
    } finally {
      await removeUser(name)
    }
    expect((await run('ls', ['/var/spool/cron/crontabs'])).stdout.split('\n')).not.toContain(name)
  })
})
