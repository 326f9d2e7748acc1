import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { HomeportError } from '../../../shared/errors.js'
import { SshConfigFile, expandPath, parseJumpSpec } from './ssh-config.js'

const dir = mkdtempSync(join(tmpdir(), 'homeport-sshcfg-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const CONFIG = `
Host nas
  HostName 192.168.1.10
  Port 2222
  User admin
  IdentityFile ~/.ssh/id_nas

Host bastion
  HostName bastion.example.net
  User jump
  IdentityFile /keys/%r@%h

Host inner
  HostName 10.0.0.5
  ProxyJump bastion

Host deep
  HostName 10.0.0.6
  User deepuser
  ProxyJump inner,ops@edge.example.net:2200

Host web db
  HostName %h.internal

Host *.lan !evil.lan
  User lanuser

Host *
  User fallback
  ServerAliveInterval 30
`

function configFile(text: string, name = 'config'): string {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

describe('ssh config', () => {
  const file = configFile(CONFIG)
  const config = new SshConfigFile(file)

  it('lists concrete Host aliases only, with their resolved settings', async () => {
    const hosts = await config.listHosts()
    expect(hosts.map((h) => h.alias)).toEqual(['nas', 'bastion', 'inner', 'deep', 'web', 'db'])
    expect(hosts[0]).toEqual({ alias: 'nas', hostName: '192.168.1.10', port: 2222, user: 'admin', identityFile: join(homedir(), '.ssh/id_nas') })
    expect(hosts.find((h) => h.alias === 'inner')).toMatchObject({ hostName: '10.0.0.5', port: 22, user: 'fallback', proxyJump: 'bastion' })
  })

  it('agrees with `ssh -G` on HostName, Port and User', async () => {
    for (const alias of ['nas', 'bastion', 'inner', 'deep', 'pi.lan']) {
      const printed = execFileSync('ssh', ['-G', '-F', file, alias], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()
      const value = (key: string): string | undefined => new RegExp(`^${key} (.*)$`, 'm').exec(printed)?.[1]
      const resolved = await config.resolveHost(alias)
      expect(resolved.hostName).toBe(value('hostname'))
      expect(String(resolved.port)).toBe(value('port'))
      expect(resolved.user).toBe(value('user'))
    }
  })

  it('resolves a ProxyJump chain hop by hop, a hop\'s own chain first', async () => {
    const target = await config.resolveTarget('deep')
    expect(target).toMatchObject({ host: '10.0.0.6', port: 22, user: 'deepuser', authMethod: 'agent' })
    expect(target.jumps?.map((j) => `${j.user}@${j.host}:${j.port}`)).toEqual([
      'jump@bastion.example.net:22',
      'fallback@10.0.0.5:22',
      'ops@edge.example.net:2200',
    ])
    expect(target.jumps?.[0]).toMatchObject({ authMethod: 'key', identityFile: '/keys/jump@bastion.example.net' })
    expect(target.jumps?.every((j) => j.jumps === undefined)).toBe(true)
  })

  it('resolves an alias with a key file into a key target without jumps', async () => {
    const target = await config.resolveTarget('nas')
    expect(target).toEqual({ host: '192.168.1.10', port: 2222, user: 'admin', authMethod: 'key', identityFile: join(homedir(), '.ssh/id_nas') })
  })

  it('refuses a ProxyJump loop and an invalid port with SSH_CONFIG_INVALID', async () => {
    const loop = new SshConfigFile(configFile('Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n', 'loop'))
    await expect(loop.resolveTarget('a')).rejects.toMatchObject({ code: 'SSH_CONFIG_INVALID' })
    const badPort = new SshConfigFile(configFile('Host a\n  Port seventy\n', 'badport'))
    await expect(badPort.resolveTarget('a')).rejects.toBeInstanceOf(HomeportError)
  })

  it('treats a missing file as an empty config', async () => {
    const missing = new SshConfigFile(join(dir, 'nope'))
    expect(await missing.listHosts()).toEqual([])
    expect(await missing.resolveTarget('example.org')).toMatchObject({ host: 'example.org', port: 22 })
  })

  it('parses ProxyJump elements', () => {
    expect(parseJumpSpec('host')).toEqual({ host: 'host', user: undefined, port: undefined })
    expect(parseJumpSpec('me@host:2200')).toEqual({ user: 'me', host: 'host', port: 2200 })
    expect(parseJumpSpec('ssh://me@host:2200')).toEqual({ user: 'me', host: 'host', port: 2200 })
    expect(parseJumpSpec('me@[fe80::1]:2200')).toEqual({ user: 'me', host: 'fe80::1', port: 2200 })
    expect(parseJumpSpec('fe80::1')).toEqual({ host: 'fe80::1', user: undefined, port: undefined })
    expect(() => parseJumpSpec('me@host:99999')).toThrow(HomeportError)
  })

  it('expands ~ and %-tokens in paths', () => {
    expect(expandPath('~/.ssh/id', { host: 'h', user: 'u' })).toBe(join(homedir(), '.ssh/id'))
    expect(expandPath('%d/k-%r@%h-%%', { host: 'h', user: 'u' })).toBe(`${homedir()}/k-u@h-%`)
  })
})
