// Set-up of a real, fresh Debian 12 given only its address, a user and a password: the wizard installs
// Debian's docker.io through sudo, adds the user to group docker, installs a key (and, asked to, turns
// password login off), installs the agent, lets the user linger, and Docker answers through the SSH tunnel.
// A second run finds every step already done. Then a scheduled task there is a systemd user timer, which
// fires with nobody logged in.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TaskRunDto } from '../../../shared/contract/index.js'
import { offeredAuthMethods } from '../../../electron/core/provision/auth-methods-probe.js'
import { freshDebianSkipReason } from '../../homeserver/fresh-system/fresh-debian-reason.js'
import { startFreshDebian, type FreshDebian } from '../../homeserver/fresh-system/fresh-debian.js'
import { openTestCore, type TestCore } from '../core/test-core.js'

const log = (line: string): void => void process.stderr.write(`[provision-fresh] ${line}\n`)
const reason = await freshDebianSkipReason(log)

describe.skipIf(reason !== undefined)('set-up of a fresh Debian 12', () => {
  let machine: FreshDebian
  let t: TestCore

  beforeAll(async () => {
    machine = await startFreshDebian({ log })
    t = await openTestCore()
    await t.call('servers.add', { name: 'fresh', host: machine.host, port: machine.port, user: machine.user, authMethod: 'password', secret: machine.password, hostKey: machine.hostKeyFingerprint })
  }, 900_000)
  afterAll(async () => {
    await t?.close()
    await machine?.stop()
  }, 120_000)

  it('plans Docker from Debian\'s own packages through sudo, before changing anything', async () => {
    const plan = await t.call('provision.plan', { serverId: 'fresh', disablePasswordLogin: true })
    expect(plan.needsSudoPassword).toBe(true)
    const byId = Object.fromEntries(plan.steps.map((s) => [s.id, s]))
    expect(byId.os).toMatchObject({ status: 'done', detail: expect.stringContaining('Debian GNU/Linux 12') })
    expect(byId.docker.status).toBe('todo')
    expect(byId.docker.commands).toContain("sudo env 'DEBIAN_FRONTEND=noninteractive' apt-get -o 'DPkg::Lock::Timeout=300' install -y --no-install-recommends docker.io")
    expect(byId.docker.commands).toContain('sudo systemctl enable --now docker')
    expect(byId['password-login'].status).toBe('todo')
    expect(byId.linger).toMatchObject({ status: 'todo', commands: [`sudo loginctl enable-linger ${machine.user}`] })
    expect((await machine.rootExec(['dpkg-query', '-W', 'docker.io'])).code).not.toBe(0)
  }, 120_000)

  it('ends with a working engine through the tunnel, a key login and password login refused', async () => {
    const { jobId } = await t.call('provision.run', { serverId: 'fresh', sudoPassword: machine.password, disablePasswordLogin: true })
    const job = await t.finishedJob(jobId)
    if (job.state !== 'succeeded') log(job.log.slice(-40).join('\n'))
    expect(job.error).toBeUndefined()
    expect(job.state).toBe('succeeded')
    expect(job.log.join('\n')).not.toContain(machine.password)

    // On the machine itself, as root.
    expect((await machine.rootExec(['systemctl', 'is-active', 'docker'])).stdout.trim()).toBe('active')
    expect((await machine.rootExec(['id', '-Gn', machine.user])).stdout.split(/\s+/)).toContain('docker')
    expect(fs.existsSync(path.join(machine.rootDir, 'var/lib/systemd/linger', machine.user))).toBe(true)
    const manager = await machine.rootExec(['loginctl', 'show-user', machine.user, '--property=Linger'])
    expect(manager.stdout.trim(), manager.stderr).toBe('Linger=yes')
    const server = await t.call('servers.get', { id: 'fresh' })
    expect(server.authMethod).toBe('key')
    const authorized = (await machine.rootExec(['cat', `/home/${machine.user}/.ssh/authorized_keys`])).stdout
    expect(authorized).toContain('homeport@')
    expect((await machine.rootExec(['cat', '/etc/ssh/sshd_config.d/01-homeport.conf'])).stdout).toContain('PasswordAuthentication no')
    const methods = await offeredAuthMethods({ host: machine.host, port: machine.port, user: machine.user, hostKey: machine.hostKeyFingerprint })
    expect(methods).toContain('publickey')
    expect(methods).not.toContain('password')

    // Through Homeport's tunnel, on the new key login.
    const info = await t.call('docker.info', { serverId: 'fresh' })
    expect(info.version).toMatch(/^\d+\.\d+/)
    expect(info.socket).toBe('/var/run/docker.sock')
    const hello = await t.call('agent.hello', { serverId: 'fresh' })
    expect(hello).toMatchObject({ os: { id: 'debian', versionId: '12' }, init: 'systemd', docker: { installed: true, socketAccessible: true } })
  }, 900_000)

  it('runs again with every step already done and nothing asked', async () => {
    const plan = await t.call('provision.plan', { serverId: 'fresh', disablePasswordLogin: true })
    expect(plan.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done', 'done', 'done', 'done'])
    const job = await t.finishedJob((await t.call('provision.run', { serverId: 'fresh', disablePasswordLogin: true })).jobId)
    expect(job.state).toBe('succeeded')
    expect(job.log.some((l) => l.startsWith('$ '))).toBe(false)
  }, 300_000)

  it('runs a scheduled task from a systemd user timer while nobody is logged in, and reads its history after', async () => {
    // An image for the task, made on the machine (it reaches no registry): busybox-static and a shell link.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-fresh-image-'))
    fs.mkdirSync(path.join(dir, 'bin'))
    fs.copyFileSync('/bin/busybox', path.join(dir, 'bin', 'busybox'))
    fs.symlinkSync('busybox', path.join(dir, 'bin', 'sh'))
    const tar = execFileSync('tar', ['-C', dir, '-c', '.'], { maxBuffer: 64 << 20 })
    fs.rmSync(dir, { recursive: true, force: true })
    const imported = await machine.rootExec(['docker', 'import', '-', 'homeport-fresh/busybox:1'], { input: tar })
    expect(imported.code, imported.stderr).toBe(0)

    const task = await t.call('tasks.add', { serverId: 'fresh', name: 'tick', cron: '* * * * *', target: { kind: 'image', image: 'homeport-fresh/busybox:1' }, command: ['sh', '-c', 'echo "tick from $0"', 'the timer'] })
    expect(task).toMatchObject({ via: 'systemd', lingering: true })
    const uid = (await machine.rootExec(['id', '-u', machine.user])).stdout.trim()
    const timers = await machine.rootExec(['runuser', '-u', machine.user, '--', 'env', `XDG_RUNTIME_DIR=/run/user/${uid}`, 'systemctl', '--user', 'list-timers', '--all', '--no-legend'])
    expect(timers.stdout, timers.stderr).toContain('homeport-task-tick.timer')

    await t.call('servers.disconnect', { id: 'fresh' })
    // Nobody is logged in now: only lingering keeps the user's timers.
    await expect.poll(async () => (await machine.rootExec(['loginctl', 'list-sessions', '--no-legend'])).stdout.includes(machine.user), { timeout: 60_000, interval: 1000 }).toBe(false)
    const runsDir = path.join(machine.rootDir, 'home', machine.user, '.local/share/homeport/tasks/tick/runs')
    const finishedRuns = (): TaskRunDto[] =>
      (fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : []).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(runsDir, f), 'utf8')) as TaskRunDto).filter((r) => r.status !== 'running')
    await expect.poll(() => finishedRuns().length, { timeout: 180_000, interval: 2000 }).toBeGreaterThan(0)
    expect((await machine.rootExec(['loginctl', 'list-sessions', '--no-legend'])).stdout).not.toContain(machine.user)

    await t.call('servers.connect', { id: 'fresh' })
    const [run] = (await t.call('tasks.history', { serverId: 'fresh', name: 'tick' })).filter((r) => r.status !== 'running')
    const { log: runLog } = await t.call('tasks.logs', { serverId: 'fresh', name: 'tick', run: run!.run })
    expect(run, runLog).toMatchObject({ task: 'tick', status: 'ok', exitCode: 0 })
    expect(runLog).toContain('tick from the timer')

    await t.call('tasks.remove', { serverId: 'fresh', name: 'tick', deleteHistory: true })
    expect(fs.existsSync(path.join(machine.rootDir, 'home', machine.user, '.config/systemd/user/homeport-task-tick.timer'))).toBe(false)
  }, 400_000)
})
