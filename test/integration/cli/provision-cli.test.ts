// `homeport provision` and `homeport agent` as a user types them, against the test home server: the plan
// with its exact commands, the go-ahead it needs, the sudo password on stdin, and the outcome on the server.

import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentHelloDto, AgentMetricsDto, ProvisionJobResult } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { freshSudoUser, type SudoUser } from '../../homeserver/sudo-user.js'
import { cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()
const groupsOf = (user: string) => execFileSync('id', ['-Gn', user], { encoding: 'utf8' }).trim().split(/\s+/)

describe('homeport provision and homeport agent', () => {
  let cli: CliSandbox
  let user: SudoUser

  beforeAll(async () => {
    user = await freshSudoUser(hs.dockerHost, 'cli')
    cli = cliSandbox()
    const added = await cli.run(['server', 'add', 'fresh', '--host', hs.host, '--port', String(hs.sshPort), '--user', user.name, '--password-stdin', '--host-key', hs.hostKeyFingerprint], { stdin: `${user.password}\n` })
    expect(added.code, added.stderr).toBe(0)
  })
  afterAll(async () => {
    cli?.dispose()
    await user?.remove()
  })

  it('shows the plan and its commands, and changes nothing without --yes when nobody can answer', async () => {
    const res = await cli.run(['provision', 'fresh'])
    expect(res.code, res.stderr).toBe(2)
    expect(res.stderr).toContain('[to do  ] Let the user reach Docker')
    expect(res.stderr).toContain(`$ sudo usermod -aG docker ${user.name}`)
    expect(res.stderr).toMatch(/error INVALID_INPUT: Set-up changes the server and needs your go-ahead\.\nhint: .*--yes/)
    expect(groupsOf(user.name)).not.toContain('docker')
  })

  it('refuses a wrong sudo password with SUDO_AUTH_FAILED, exit 1, nothing changed', async () => {
    const res = await cli.run(['provision', 'fresh', '--yes', '--sudo-password-stdin'], { stdin: `${user.password}x\n` })
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('error SUDO_AUTH_FAILED: ')
    expect(res.stderr).not.toContain(user.password)
    expect(groupsOf(user.name)).not.toContain('docker')
  })

  it('sets the server up with the password on stdin and prints the result as JSON', async () => {
    const res = await cli.run(['provision', 'fresh', '--yes', '--sudo-password-stdin', '--json'], { stdin: `${user.password}\n` })
    expect(res.code, res.stderr).toBe(0)
    // One JSON object per job update, then the result on the last line.
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.slice(0, -1).every((l) => l.kind === 'provision')).toBe(true)
    expect(res.stdout).not.toContain(user.password)
    const result = lines.at(-1) as unknown as ProvisionJobResult
    expect(result.status).toBe('provisioned')
    expect(result.steps.find((s) => s.id === 'group')?.outcome).toBe('done')
    expect(result.steps.find((s) => s.id === 'key')?.outcome).toBe('done')
    expect(groupsOf(user.name)).toContain('docker')
    const ps = await cli.run(['ps', 'fresh', '--all'])
    expect(ps.code, ps.stderr).toBe(0)
    const servers = await cli.json<{ name: string; authMethod: string }[]>(['server', 'list'])
    expect(servers.find((s) => s.name === 'fresh')?.authMethod).toBe('key')
  })

  it('on a ready server says everything was already in place, asking nothing', async () => {
    const res = await cli.run(['provision', 'fresh'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toContain('everything was already in place')
  })

  it('answers hello and metrics from the agent', async () => {
    const hello = await cli.json<AgentHelloDto>(['agent', 'fresh', 'hello'])
    expect(hello).toMatchObject({ user: { name: user.name }, docker: { socketAccessible: true } })
    const metrics = await cli.json<AgentMetricsDto>(['agent', 'fresh', 'metrics'])
    expect(metrics.memory.totalBytes).toBeGreaterThan(0)
    const text = await cli.run(['agent', 'fresh', 'hello'])
    expect(text.stdout).toMatch(/^System +Debian/m)
    const cores = readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => /^processor\s*:/.test(l)).length
    const sample = await cli.run(['agent', 'fresh', 'metrics'])
    expect(sample.code, sample.stderr).toBe(0)
    // Total, then one figure per core, each a percentage.
    expect(sample.stdout).toMatch(new RegExp(`^CPU [\\d.]+% \\(${Array(cores).fill('[\\d.]+%').join(', ')}\\), load `, 'm'))
    expect(sample.stdout).toMatch(/^Disk \/: \d+ MiB of \d+ MiB/m)
    const bad = await cli.run(['agent', 'fresh', 'reboot'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('error INVALID_INPUT: "reboot" is not something the agent answers.')
  })
})

describe('homeport provision --identity: one of the user\'s own keys', () => {
  let cli: CliSandbox
  let user: SudoUser

  beforeAll(async () => {
    user = await freshSudoUser(hs.dockerHost, 'cli-own')
    cli = cliSandbox()
    const added = await cli.run(['server', 'add', 'own', '--host', hs.host, '--port', String(hs.sshPort), '--user', user.name, '--password-stdin', '--host-key', hs.hostKeyFingerprint], { stdin: `${user.password}\n` })
    expect(added.code, added.stderr).toBe(0)
  })
  afterAll(async () => {
    cli?.dispose()
    await user?.remove()
  })

  it('installs that key instead of making one, and the server entry logs in with it', async () => {
    const key = path.join(cli.home, 'own_ed25519')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'homeport-own-key-test', '-f', key])
    const res = await cli.run(['provision', 'own', '--identity', key, '--yes', '--sudo-password-stdin'], { stdin: `${user.password}\n` })
    expect(res.code, res.stderr).toBe(0)
    expect(res.stderr).toContain(`will add your key ${key} to ~/.ssh/authorized_keys`)
    expect(res.stdout).toContain(`own is ready: `)
    expect(res.stdout).toContain(`key ${key}`)
    const publicLine = readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')
    expect(readFileSync(path.join(user.home, '.ssh/authorized_keys'), 'utf8')).toContain(publicLine)
    expect(existsSync(path.join(cli.dataDir, 'keys'))).toBe(false)
    const servers = await cli.json<{ name: string; authMethod: string; identityFile?: string }[]>(['server', 'list'])
    expect(servers.find((s) => s.name === 'own')).toMatchObject({ authMethod: 'key', identityFile: key })
    expect(groupsOf(user.name)).toContain('docker')
  })
})
