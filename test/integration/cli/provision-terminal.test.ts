// `homeport provision` on a terminal, as a person runs it: the plan, the go-ahead asked, then the sudo
// password asked once, without echo, used for that run and kept nowhere (not in the data folder, not in
// the keychain). The server shows the outcome: the user is in group docker.

import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KEYCHAIN_SERVICE } from '../../../electron/core/secrets/accounts.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { freshSudoUser, type SudoUser } from '../../homeserver/sudo-user.js'
import { cliSandbox, type CliSandbox } from './run-cli.js'
import { runOnTerminal } from './tty-answers.js'

const hs = useHomeServer()
const groupsOf = (user: string) => execFileSync('id', ['-Gn', user], { encoding: 'utf8' }).trim().split(/\s+/)

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)).filter((f) => statSync(f).isFile())
}

describe('homeport provision on a terminal', () => {
  let cli: CliSandbox
  let user: SudoUser

  beforeAll(async () => {
    user = await freshSudoUser(hs.dockerHost, 'cli-tty')
    cli = cliSandbox()
    const added = await cli.run(['server', 'add', 'tty-setup', '--host', hs.host, '--port', String(hs.sshPort), '--user', user.name, '--password-stdin', '--host-key', hs.hostKeyFingerprint], { stdin: `${user.password}\n` })
    expect(added.code, added.stderr).toBe(0)
  })
  afterAll(async () => {
    cli?.dispose()
    await user?.remove()
  })

  it('asks for the go-ahead, then the sudo password once, and keeps it nowhere', async () => {
    const prompt = `sudo password for ${user.name}@${hs.host}: `
    const { code, screen } = await runOnTerminal(['provision', 'tty-setup'], [['Run these steps? (yes/no) ', 'yes'], [prompt, user.password]], cli.env)
    expect(code, screen).toBe(0)
    expect(screen).toContain(`$ sudo usermod -aG docker ${user.name}`)
    expect(screen.split('[asked]')).toHaveLength(3)
    expect(screen).not.toContain(prompt)
    expect(screen).not.toContain(user.password)
    expect(screen).toMatch(/tty-setup is ready: .*Debian/)
    expect(groupsOf(user.name)).toContain('docker')

    for (const file of filesUnder(cli.dataDir)) expect(readFileSync(file).includes(user.password), file).toBe(false)
    const keytar = createRequire(import.meta.url)('keytar') as { findCredentials(service: string): Promise<{ account: string; password: string }[]> }
    expect((await keytar.findCredentials(KEYCHAIN_SERVICE)).filter((c) => c.password === user.password)).toEqual([])
  })
})
