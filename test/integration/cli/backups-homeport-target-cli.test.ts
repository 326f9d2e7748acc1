// `homeport backups repo add SERVER NAME --kind homeport --target OTHER`: a repository on another server added
// in Homeport (a second sshd with a drop-in folder, its user's sudo asking for a password given on standard
// input). The user it makes there is checked on that server, then taken away with `repo remove
// --remove-on-target`; flags that do not fit are usage errors.

import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RepositoryDto } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { startDropinSshd, type DropinSshd } from '../../homeserver/dropin-sshd.js'
import { freshSudoUser, type SudoUser } from '../../homeserver/sudo-user.js'
import { resticTestImage } from '../backups/restic-image.js'
import { addHomeServer, cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()
const SOURCE = 'hpcli-src'
const USER = `hp-backup-${SOURCE}`
const REPO = `hpcli-other-${randomBytes(2).toString('hex')}`
/** The default folder (no --path): /srv/homeport-backups/<server>. */
const folder = `/srv/homeport-backups/${SOURCE}`
const userLine = () => spawnSync('getent', ['passwd', USER], { encoding: 'utf8' }).stdout.trim()

describe('homeport backups repo add --kind homeport', { timeout: 300_000 }, () => {
  let cli: CliSandbox
  let sshd: DropinSshd
  let sudoUser: SudoUser

  beforeAll(async () => {
    if (userLine()) execFileSync('userdel', [USER])
    fs.rmSync(folder, { recursive: true, force: true })
    cli = cliSandbox()
    sshd = await startDropinSshd('cli')
    sudoUser = await freshSudoUser(hs.dockerHost, 'bkcli')
    await addHomeServer(cli, hs, SOURCE)
    expect((await cli.run(['backups', 'image', await resticTestImage(hs)])).code).toBe(0)
    const added = await cli.run(['server', 'add', 'other', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sudoUser.name, '--password-stdin', '--host-key', sshd.hostKeyFingerprint], { stdin: `${sudoUser.password}\n` })
    expect(added.code, added.stderr).toBe(0)
  }, 300_000)

  afterAll(async () => {
    await cli?.run(['backups', 'repo', 'remove', SOURCE, REPO, '--remove-on-target', '--sudo-password-stdin'], { stdin: `${sudoUser?.password}\n` })
    cli?.dispose()
    await sshd?.stop()
    await sudoUser?.remove()
    if (userLine()) execFileSync('userdel', [USER])
    fs.rmSync(folder, { recursive: true, force: true })
    // Its parent too, when this file made it and nothing else is in it.
    if (fs.existsSync(path.dirname(folder)) && !fs.readdirSync(path.dirname(folder)).length) fs.rmdirSync(path.dirname(folder))
  }, 300_000)

  it('says which flag is missing or does not fit', async () => {
    const noTarget = await cli.run(['backups', 'repo', 'add', SOURCE, REPO, '--kind', 'homeport'])
    expect(noTarget.code).toBe(2)
    expect(noTarget.stderr).toContain('--target')
    const both = await cli.run(['backups', 'repo', 'add', SOURCE, REPO, '--target', 'other', '--sftp', 'a@b:/c'])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('without --sftp or --s3')
    const same = await cli.run(['backups', 'repo', 'add', SOURCE, REPO, '--kind', 'homeport', '--target', SOURCE, '--sudo-password-stdin'], { stdin: `${sudoUser.password}\n` })
    expect(same.code).toBe(2)
    expect(same.stderr).toMatch(/^error INVALID_INPUT: .*itself/m)
    expect(same.stderr).toMatch(/^hint: .*--target/m)
    const lonelyHost = await cli.run(['backups', 'repo', 'add', SOURCE, REPO, '--path', '/srv/x', '--target-host', '192.168.1.20'])
    expect(lonelyHost.code).toBe(2)
    expect(lonelyHost.stderr).toContain('--target-host goes with --target')
    const lonelyPort = await cli.run(['backups', 'repo', 'add', SOURCE, REPO, '--target', 'other', '--port', '2222'])
    expect(lonelyPort.code).toBe(2)
    expect(lonelyPort.stderr).toContain('goes with --target-host')
  })

  it('refuses an address where another server answers, naming it, and leaves nothing there', async () => {
    // The main test sshd: a server, but not "other" (its host key differs from the one pinned for it).
    const wrong = await cli.run(['backups', 'repo', 'add', SOURCE, REPO, '--target', 'other', '--target-host', '127.0.0.1', '--port', String(hs.sshPort), '--sudo-password-stdin'], { stdin: `${sudoUser.password}\n` })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(new RegExp(`^error HOST_KEY_MISMATCH: From ${SOURCE}, 127\\.0\\.0\\.1:${hs.sshPort} is not other: `, 'm'))
    expect(wrong.stderr).toMatch(/^hint: .*--target-host HOST/m)
    expect(userLine()).toBe('')
    expect(fs.readdirSync(sshd.dropins)).toEqual([])
    expect((await cli.json<RepositoryDto[]>(['backups', 'repo', 'list', SOURCE])).map((r) => r.name)).not.toContain(REPO)
  })

  it('makes the confined user there, lists the repository, and removes the user with --remove-on-target', async () => {
    // Reached from the server at another name than this computer uses (as a LAN address would be).
    const add = await cli.run(['backups', 'repo', 'add', SOURCE, REPO, '--kind', 'homeport', '--target', 'other', '--target-host', 'localhost', '--port', String(sshd.port), '--sudo-password-stdin'], { stdin: `${sudoUser.password}\n` })
    expect(add.code, add.stderr).toBe(0)
    expect(add.stdout).toContain(`On other, user ${USER} may only use SFTP in its folder`)
    expect(userLine()).toContain(`:${folder}:`)
    expect(fs.readdirSync(sshd.dropins)).toEqual([`homeport-backup-${SOURCE}.conf`])
    expect(fs.existsSync(path.join(folder, 'data', 'config'))).toBe(true)
    const list = await cli.json<RepositoryDto[]>(['backups', 'repo', 'list', SOURCE])
    expect(list.find((r) => r.name === REPO)).toMatchObject({ kind: 'homeport', targetServer: 'other', targetUser: USER, hostKey: sshd.hostKeyFingerprint, location: `sftp:${USER}@localhost:/data` })

    const removed = await cli.run(['backups', 'repo', 'remove', SOURCE, REPO, '--remove-on-target', '--sudo-password-stdin'], { stdin: `${sudoUser.password}\n` })
    expect(removed.code, removed.stderr).toBe(0)
    expect(removed.stdout).toContain('removed its user on the other server')
    expect(userLine()).toBe('')
    expect(fs.readdirSync(sshd.dropins)).toEqual([])
    expect(fs.existsSync(path.join(folder, 'data', 'config'))).toBe(true)
  })
})
