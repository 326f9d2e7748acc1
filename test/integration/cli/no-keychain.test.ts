// Where no keychain answers, a password lives only as long as the command that was given it. These runs point
// the CLI's D-Bus at nothing, so the real keychain lookup fails as on a desktop without a Secret Service, and
// check that no secret is silently lost: the login is checked before a server is kept, every command that
// connects takes --password-stdin and says so when it is missing, and --install-key leaves a server that
// needs no password at all.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentHelloDto, ServerDto, ServerTestResult } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { freshSudoUser, type SudoUser } from '../../homeserver/sudo-user.js'
import { cliSandbox, type CliSandbox, type RunOptions } from './run-cli.js'

const hs = useHomeServer()
const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/homeport-no-keychain' }

describe('the CLI without a keychain', () => {
  let cli: CliSandbox
  let user: SudoUser
  const at = () => ['--host', hs.host, '--port', String(hs.sshPort), '--host-key', hs.hostKeyFingerprint]
  const run = (args: string[], opts: RunOptions = {}) => cli.run(args, { ...opts, env: { ...NO_KEYCHAIN, ...opts.env } })
  const names = async () => (JSON.parse((await run(['server', 'list', '--json'])).stdout) as ServerDto[]).map((s) => s.name)

  beforeAll(async () => {
    cli = cliSandbox()
    user = await freshSudoUser(hs.dockerHost, 'nokeychain')
  })
  afterAll(async () => {
    cli?.dispose()
    await user?.remove()
  })

  it('refuses a wrong password at `server add --password-stdin`: AUTH_FAILED, exit 1, nothing kept', async () => {
    const added = await run(['server', 'add', 'wrong', ...at(), '--user', hs.user, '--password-stdin'], { stdin: `${hs.password}-not\n` })
    expect(added.code).toBe(1)
    expect(added.stdout).toBe('')
    expect(added.stderr).toMatch(/^error AUTH_FAILED: /)
    expect(await names()).not.toContain('wrong')
  })

  it('refuses a key passphrase that does not unlock the key before adding anything', async () => {
    const added = await run(['server', 'add', 'badpass', ...at(), '--user', hs.user, '--identity', hs.keys.encrypted, '--password-stdin'], { stdin: `${hs.keys.encryptedPassphrase}-not` })
    expect(added.code).toBe(1)
    expect(added.stderr).toMatch(/^error KEY_INVALID: The passphrase does not unlock the key .*\nhint: .*--password-stdin/)
    expect(await names()).not.toContain('badpass')
  })

  it('adds a server whose password works, and says the password was not saved and what to do', async () => {
    const added = await run(['server', 'add', 'pw', ...at(), '--user', hs.user, '--password-stdin'], { stdin: `${hs.password}\n` })
    expect(added.code, added.stderr).toBe(0)
    expect(added.stdout).toContain('the login works')
    expect(added.stderr).toMatch(/^warning: no OS keychain answered, so the password was not saved: give it again with --password-stdin .*--install-key FILE/)
    expect(added.stderr).not.toContain(hs.password)
    expect(await names()).toContain('pw')
  })

  it('a later command without the password fails with AUTH_FAILED naming --password-stdin', async () => {
    for (const args of [['server', 'test', 'pw'], ['ps', 'pw']]) {
      const res = await run(args)
      expect(res.code).toBe(1)
      expect(res.stderr).toMatch(/^error AUTH_FAILED: No password was given for .*\nhint: .*--password-stdin/)
    }
  })

  it('`server test`, `ps` and `agent` take --password-stdin and connect', async () => {
    const tested = await run(['server', 'test', 'pw', '--password-stdin', '--json'], { stdin: `${hs.password}\n` })
    expect(tested.code, tested.stderr).toBe(0)
    expect((JSON.parse(tested.stdout) as ServerTestResult).hostKey).toBe(hs.hostKeyFingerprint)
    const ps = await run(['ps', 'pw', '--all', '--password-stdin'], { stdin: hs.password })
    expect(ps.code, ps.stderr).toBe(0)
    expect(ps.stdout).toMatch(/^CONTAINER ID\s+NAME/)
    const hello = await run(['agent', 'pw', 'hello', '--password-stdin', '--json'], { stdin: hs.password })
    expect(hello.code, hello.stderr).toBe(0)
    expect((JSON.parse(hello.stdout) as AgentHelloDto).user.name).toBe(hs.user)
  })

  it('refuses --install-key without a key file: a key made for Homeport would lose its passphrase; nothing is added', async () => {
    const res = await run(['server', 'add', 'gen', ...at(), '--user', user.name, '--password-stdin', '--install-key'], { stdin: user.password })
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/^error SECRET_STORE_UNAVAILABLE: .*\nhint: .*--install-key ~\/\.ssh\/id_ed25519/)
    expect(await names()).not.toContain('gen')
  })

  it('--install-key FILE puts the key on the server and later commands need no password', async () => {
    const key = path.join(cli.home, 'own_ed25519')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'homeport-no-keychain-test', '-f', key])
    const added = await run(['server', 'add', 'keyed', ...at(), '--user', user.name, '--password-stdin', '--install-key', key], { stdin: `${user.password}\n` })
    expect(added.code, added.stderr).toBe(0)
    expect(added.stdout).toContain(`keyed now logs in with the key ${key}; no password is needed any more.`)
    expect(added.stderr).not.toContain('warning: no OS keychain')

    // On the server: the key's public half is in the user's authorized_keys.
    const publicLine = fs.readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')
    expect(fs.readFileSync(path.join(user.home, '.ssh/authorized_keys'), 'utf8')).toContain(publicLine)
    const server = (JSON.parse((await run(['server', 'list', '--json'])).stdout) as ServerDto[]).find((s) => s.name === 'keyed')
    expect(server).toMatchObject({ authMethod: 'key', identityFile: key })

    // A new command, nothing on stdin, no keychain: the key logs in.
    const hello = await run(['agent', 'keyed', 'hello', '--json'])
    expect(hello.code, hello.stderr).toBe(0)
    expect((JSON.parse(hello.stdout) as AgentHelloDto).user.name).toBe(user.name)
  })
})
