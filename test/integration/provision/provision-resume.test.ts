// Set-up that fails part-way and is run again, on the test home server with the real keychain: the first run
// installs the key and adds the group, then cannot install the agent (a file stands where its folder goes);
// the key's passphrase is in the keychain, not on disk, and the password has left it. Once the obstacle is
// gone, the second run resumes: the steps done already say so, no sudo password is asked, the agent goes in.

import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { utils } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSecretStore } from '../../../electron/core/secrets/create-secret-store.js'
import { serverSecretAccount } from '../../../electron/core/secrets/accounts.js'
import type { ProvisionJobResult } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { freshSudoUser, type SudoUser } from '../../homeserver/sudo-user.js'
import { openTestCore, type TestCore } from '../core/test-core.js'

const hs = useHomeServer()
const SERVER = `resume-${process.pid}`
const groupsOf = (user: string) => execFileSync('id', ['-Gn', user], { encoding: 'utf8' }).trim().split(/\s+/)

describe('set-up that stopped part-way, run again', () => {
  let user: SudoUser
  let t: TestCore
  let serverId: string
  let obstacle: string
  const authorizedKeys = () => readFileSync(path.join(user.home, '.ssh/authorized_keys'), 'utf8')

  beforeAll(async () => {
    user = await freshSudoUser(hs.dockerHost, 'resume')
    const share = path.join(user.home, '.local/share')
    mkdirSync(share, { recursive: true })
    const { uid, gid } = statSync(user.home)
    for (const dir of [path.join(user.home, '.local'), share]) chownSync(dir, uid, gid)
    // Where the agent's folder would go, a file: creating the folder fails.
    obstacle = path.join(share, 'homeport')
    writeFileSync(obstacle, 'not a folder\n')
    t = await openTestCore({ keychain: true })
    const added = await t.call('servers.add', { name: SERVER, host: hs.host, port: hs.sshPort, user: user.name, authMethod: 'password', secret: user.password, hostKey: hs.hostKeyFingerprint })
    serverId = added.id
  })
  afterAll(async () => {
    await t?.close()
    await user?.remove()
  })

  it('fails at the agent after installing the key and adding the group', async () => {
    const job = await t.finishedJob((await t.call('provision.run', { serverId: SERVER, sudoPassword: user.password })).jobId)
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('AGENT_FAILED')
    expect(job.log).toContain(`$ sudo usermod -aG docker ${user.name}`)
    expect(groupsOf(user.name)).toContain('docker')
    const server = await t.call('servers.get', { id: SERVER })
    expect(server.authMethod).toBe('key')
    expect(authorizedKeys()).toContain(readFileSync(`${server.identityFile}.pub`, 'utf8').split(' ').slice(0, 2).join(' '))
  })

  it('keeps the key\'s passphrase in the keychain only, and the password leaves it', async () => {
    const server = await t.call('servers.get', { id: SERVER })
    const keychain = await createSecretStore()
    expect(keychain.store.kind).toBe('keychain')
    const passphrase = await keychain.store.get(serverSecretAccount(serverId, 'passphrase'))
    expect(passphrase).toMatch(/^\S{20,}$/)
    const keyFile = readFileSync(server.identityFile!)
    expect(utils.parseKey(keyFile)).toBeInstanceOf(Error)
    expect(utils.parseKey(keyFile, passphrase)).not.toBeInstanceOf(Error)
    expect(keyFile.toString('utf8')).not.toContain(passphrase)
    expect(await keychain.store.get(serverSecretAccount(serverId, 'password'))).toBeUndefined()
  })

  it('resumes once the obstacle is gone: done steps say so, no sudo password is asked, the agent goes in', async () => {
    rmSync(obstacle)
    const keysBefore = authorizedKeys()
    const plan = await t.call('provision.plan', { serverId: SERVER })
    expect(plan.needsSudoPassword).toBe(false)
    expect(Object.fromEntries(plan.steps.map((s) => [s.id, s.status]))).toMatchObject({ key: 'done', group: 'done', agent: 'todo' })

    const job = await t.finishedJob((await t.call('provision.run', { serverId: SERVER })).jobId)
    expect(job.error).toBeUndefined()
    expect(job.state).toBe('succeeded')
    if (job.kind !== 'provision') throw new Error(`unexpected job kind ${job.kind}`)
    const outcomes = Object.fromEntries((job.result as ProvisionJobResult).steps.map((s) => [s.id, s.outcome]))
    expect(outcomes).toMatchObject({ connect: 'already-done', key: 'already-done', os: 'already-done', docker: 'already-done', group: 'already-done', agent: 'done' })
    // No command ran, none through sudo, and sudo was never asked for its password.
    expect(job.log.filter((l) => l.startsWith('$ ') || l.startsWith('sudo accepted'))).toEqual([])
    // The step it did: what it found, the commands it runs, then what it verified.
    const agentStep = job.log.slice(job.log.indexOf('Install the Homeport agent'))
    expect(agentStep.slice(0, 5)).toEqual([
      'Install the Homeport agent',
      expect.stringMatching(/^Agent [\d.]+ will be installed\.$/),
      expect.stringMatching(/^ {2}will run: mkdir -p -m 700 /),
      expect.stringMatching(/^ {2}will run: \(SFTP\) upload/),
      expect.stringMatching(/^ {2}will run: sha256sum /),
    ])
    expect(agentStep).toContainEqual(expect.stringMatching(/^Verified: agent [\d.]+$/))
    expect(authorizedKeys()).toBe(keysBefore)
    expect(existsSync(path.join(user.home, '.local/share/homeport/agent'))).toBe(true)
    expect((await t.call('docker.info', { serverId: SERVER })).socket).toBe(hs.dockerSocket)
  })
})
