// `homeport server add` on a real terminal (a pty from util-linux's `script`), as a person types it: the
// password is asked without echo, checked by logging in, and then the offer set-up makes — a key on the
// server instead of the password — is answered yes, after which nothing asks for a password again.

import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentHelloDto, ServerDto } from '../../../shared/contract/index.js'
import { quoteArgv } from '../../../electron/core/connection/quote.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { freshSudoUser, type SudoUser } from '../../homeserver/sudo-user.js'
import { cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()
const launcher = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/homeport.js')

/** Runs the CLI on a pty, answering each question once its text has appeared; resolves with the exit code and what the terminal showed. */
function onTerminal(cli: CliSandbox, args: string[], answers: [RegExp, string][]): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', quoteArgv([process.execPath, launcher, ...args]), '/dev/null'], { env: cli.env, stdio: ['pipe', 'pipe', 'pipe'] })
    let screen = ''
    const pending = [...answers]
    const onData = (d: string) => {
      screen += d
      while (pending.length && pending[0][0].test(screen)) child.stdin.write(`${pending.shift()![1]}\r`)
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', onData)
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, screen }))
  })
}

describe('server add on a terminal', () => {
  let cli: CliSandbox
  let user: SudoUser

  beforeAll(async () => {
    cli = cliSandbox()
    user = await freshSudoUser(hs.dockerHost, 'tty')
  })
  afterAll(async () => {
    cli?.dispose()
    await user?.remove()
  })

  it('asks the password without echo, then installs a key when the offer is accepted', async () => {
    const { code, screen } = await onTerminal(cli, ['server', 'add', 'tty', '--host', hs.host, '--port', String(hs.sshPort), '--user', user.name, '--host-key', hs.hostKeyFingerprint], [
      [new RegExp(`Password for ${user.name}@${hs.host.replace(/\./g, '\\.')}: `), user.password],
      [/Install a key on the server and log in with it, so Homeport needs no password from now on\? \(yes\/no\) /, 'yes'],
    ])
    expect(code, screen).toBe(0)
    expect(screen).not.toContain(user.password)
    expect(screen).toContain('the login works')
    expect(screen).toMatch(/tty now logs in with the key \S+; no password is needed any more\./)

    const server = (await cli.json<ServerDto[]>(['server', 'list'])).find((s) => s.name === 'tty')
    expect(server).toMatchObject({ authMethod: 'key', hasSecret: true })
    expect(server?.identityFile).toContain(path.join(cli.dataDir, 'keys'))
    // A new command, nothing on stdin: the key (its passphrase in the keychain) logs in.
    const hello = await cli.json<AgentHelloDto>(['agent', 'tty', 'hello'])
    expect(hello.user.name).toBe(user.name)
  })
})
