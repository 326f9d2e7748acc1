// Set-up against the test home server, as a user would run it: on a ready server every step is "already
// done" and nothing changes; for a user with a password, sudo asking for it and no docker group, set-up
// installs a key, adds the group, logs in again and Docker answers through the tunnel; a wrong sudo
// password changes nothing.

import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProvisionJobResult } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { freshSudoUser, type SudoUser } from '../../homeserver/sudo-user.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'

const hs = useHomeServer()

const groupsOf = (user: string) => execFileSync('id', ['-Gn', user], { encoding: 'utf8' }).trim().split(/\s+/)
const homeOf = (user: string) => execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).split(':')[5]

describe('set-up on a server where everything is in place', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await openTestCore()
    await t.call('servers.add', homeServerInput(hs))
    // The agent may not be there yet on this run's server; the first set-up puts it in place.
    const first = await t.finishedJob((await t.call('provision.run', { serverId: 'home' })).jobId)
    expect(first.state).toBe('succeeded')
  })
  afterAll(async () => t?.close())

  it('plans nothing to do and every step says already done', async () => {
    const plan = await t.call('provision.plan', { serverId: 'home' })
    expect(plan.ready).toBe(true)
    expect(plan.needsSudoPassword).toBe(false)
    expect(plan.steps.map((s) => [s.id, s.status])).toEqual([
      ['connect', 'done'], ['key', 'done'], ['password-login', 'skipped'], ['os', 'done'],
      ['docker', 'done'], ['group', 'done'], ['agent', 'done'], ['linger', 'done'], ['verify', 'done'],
    ])
    expect(plan.steps.every((s) => s.commands.length === 0)).toBe(true)
  })

  it('runs again without changing anything on the server', async () => {
    const keys = path.join(homeOf(hs.user), '.ssh/authorized_keys')
    const before = { keys: readFileSync(keys, 'utf8'), groups: groupsOf(hs.user), agentDirs: execFileSync('ls', [path.join(homeOf(hs.user), '.local/share/homeport/agent')], { encoding: 'utf8' }), mtime: statSync(keys).mtimeMs }
    const job = await t.finishedJob((await t.call('provision.run', { serverId: 'home' })).jobId)
    expect(job.state).toBe('succeeded')
    if (job.kind !== 'provision') throw new Error(`unexpected job kind ${job.kind}`)
    const result: ProvisionJobResult = job.result!
    expect(result.steps.filter((s) => s.outcome === 'done')).toEqual([])
    expect(job.log.filter((l) => l.startsWith('Already done')).length).toBe(8)
    expect(job.log.some((l) => l.startsWith('$ '))).toBe(false)
    expect(readFileSync(keys, 'utf8')).toBe(before.keys)
    expect(statSync(keys).mtimeMs).toBe(before.mtime)
    expect(groupsOf(hs.user)).toEqual(before.groups)
    expect(execFileSync('ls', [path.join(homeOf(hs.user), '.local/share/homeport/agent')], { encoding: 'utf8' })).toBe(before.agentDirs)
    expect(result.summary.os).toMatch(/Debian/)
  })
})

describe('set-up for a user with a password, sudo that asks for it and no docker group', () => {
  let user: SudoUser
  let t: TestCore
  const add = (name: string) => t.call('servers.add', { name, host: hs.host, port: hs.sshPort, user: user.name, authMethod: 'password', secret: user.password, hostKey: hs.hostKeyFingerprint })

  beforeAll(async () => {
    user = await freshSudoUser(hs.dockerHost, 'core')
    t = await openTestCore()
  })
  afterAll(async () => {
    await t?.close()
    await user?.remove()
  })

  it('shows the commands it will run, including the sudo ones, before running anything', async () => {
    await add('fresh')
    const plan = await t.call('provision.plan', { serverId: 'fresh' })
    expect(plan.ready).toBe(false)
    expect(plan.needsSudoPassword).toBe(true)
    const byId = Object.fromEntries(plan.steps.map((s) => [s.id, s]))
    expect(byId.key.status).toBe('todo')
    expect(byId.group).toMatchObject({ status: 'todo', needsSudo: true })
    expect(byId.group.commands).toContain(`sudo usermod -aG docker ${user.name}`)
    expect(byId.agent.status).toBe('todo')
    expect(existsSync(path.join(user.home, '.ssh/authorized_keys')) ? readFileSync(path.join(user.home, '.ssh/authorized_keys'), 'utf8').trim() : '').toBe('')
  })

  it('refuses a wrong sudo password with SUDO_AUTH_FAILED and changes nothing', async () => {
    const job = await t.finishedJob((await t.call('provision.run', { serverId: 'fresh', sudoPassword: `${user.password}-wrong` })).jobId)
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('SUDO_AUTH_FAILED')
    expect(groupsOf(user.name)).not.toContain('docker')
    const keys = path.join(user.home, '.ssh/authorized_keys')
    expect(existsSync(keys) ? readFileSync(keys, 'utf8').trim() : '').toBe('')
    expect((await t.call('servers.get', { id: 'fresh' })).authMethod).toBe('password')
    expect(job.log.join('\n')).not.toContain(user.password)
  })

  it('installs a key, adds the group, logs in again, and Docker answers through the tunnel', async () => {
    const job = await t.finishedJob((await t.call('provision.run', { serverId: 'fresh', sudoPassword: user.password })).jobId)
    expect(job.error).toBeUndefined()
    expect(job.state).toBe('succeeded')
    const server = await t.call('servers.get', { id: 'fresh' })
    expect(server.authMethod).toBe('key')
    expect(server.identityFile).toBe(path.join(t.dataDir, 'keys', `${server.id}_ed25519`))
    expect((statSync(server.identityFile!).mode & 0o777).toString(8)).toBe('600')
    const authorized = readFileSync(path.join(user.home, '.ssh/authorized_keys'), 'utf8')
    expect(authorized).toContain(readFileSync(`${server.identityFile}.pub`, 'utf8').split(' ').slice(0, 2).join(' '))
    expect(groupsOf(user.name)).toContain('docker')
    expect(job.log).toContain(`$ sudo usermod -aG docker ${user.name}`)
    expect(job.log.join('\n')).not.toContain(user.password)
    // Docker through the tunnel, on the new key login.
    const containers = await t.call('docker.containers', { serverId: 'fresh', all: true })
    expect(Array.isArray(containers)).toBe(true)
    const info = await t.call('docker.info', { serverId: 'fresh' })
    expect(info.socket).toBe(hs.dockerSocket)
    expect(existsSync(path.join(user.home, '.local/share/homeport/agent'))).toBe(true)
  })

  it('on a second run every step is already done, with no password asked', async () => {
    const plan = await t.call('provision.plan', { serverId: 'fresh' })
    expect(plan.ready).toBe(true)
    expect(plan.needsSudoPassword).toBe(false)
    const job = await t.finishedJob((await t.call('provision.run', { serverId: 'fresh' })).jobId)
    expect(job.state).toBe('succeeded')
    expect(job.log.some((l) => l.startsWith('$ '))).toBe(false)
  })
})
