// A repository on another Homeport server: a second sshd that Includes a drop-in folder, reached by Homeport
// as a user whose sudo asks for a password. Homeport makes a backup user there confined to SFTP in one
// folder, with a key of its own; the test checks on that server that the user cannot get a shell or see
// anything outside its folder, that the repository's files are in that folder, and that a backup restores
// through it. Wrong input (the same server, an unknown one, a wrong sudo password, an sshd without drop-ins
// or whose AllowUsers leaves the user out, a folder no chroot can be, a user of that name that is not
// Homeport's, restic failing after the user was made) fails clearly and leaves nothing behind.

import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadKeytar, KeychainSecretStore } from '../../../electron/core/secrets/index.js'
import { backupRepoAccount } from '../../../electron/core/secrets/accounts.js'
import { homeportFailure, useHomeServer } from '../../homeserver/helpers.js'
import { startDropinSshd, type DropinSshd } from '../../homeserver/dropin-sshd.js'
import { freshSudoUser, type SudoUser } from '../../homeserver/sudo-user.js'
import { checksums, closeBackupApp, finished, inVolume, openBackupApp, resticContainersLeft, SERVER, type BackupApp } from './backups-fixture.js'

const hs = useHomeServer()
const USER = 'hp-backup-home'
let b: BackupApp
let sshd: DropinSshd
let sudoUser: SudoUser
let other = ''
let folder = ''
let keyFile = ''

const userLine = () => spawnSync('getent', ['passwd', USER], { encoding: 'utf8' }).stdout.trim()
const dropins = () => fs.readdirSync(sshd.dropins)
const repoNames = () => b.t.call('backups.repoList', { serverId: SERVER }).then((l) => l.map((r) => r.name))
const target = (extra: object = {}) => ({ kind: 'homeport' as const, server: other, path: folder, ...extra })

/** Runs ssh or sftp as the backup user with its own key; never throws. */
function asBackupUser(program: 'ssh' | 'sftp', args: string[], input = ''): { code: number | null; out: string } {
  const opts = ['-i', keyFile, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20']
  const port = program === 'ssh' ? ['-p', String(sshd.port)] : ['-P', String(sshd.port)]
  const res = spawnSync(program, [...opts, ...port, ...args], { input, encoding: 'utf8', timeout: 60_000 })
  return { code: res.status, out: `${res.stdout}\n${res.stderr}` }
}

beforeAll(async () => {
  if (spawnSync('getent', ['passwd', USER]).status === 0) execFileSync('userdel', [USER])
  b = await openBackupApp(hs, 'hpbk-hptarget')
  folder = `/srv/hpbk-hptarget-${randomBytes(3).toString('hex')}/home`
  keyFile = path.join(b.scratch, 'backup-key')
  sshd = await startDropinSshd('backups')
  sudoUser = await freshSudoUser(hs.dockerHost, 'bktarget')
  other = `other-${randomBytes(2).toString('hex')}`
  await b.t.call('servers.add', { name: other, host: '127.0.0.1', port: sshd.port, user: sudoUser.name, authMethod: 'password', secret: sudoUser.password, hostKey: sshd.hostKeyFingerprint })
}, 300_000)

afterAll(async () => {
  await b?.t.call('backups.policyRemove', { serverId: SERVER, app: b.app }).catch(() => {})
  await b?.t.call('backups.repoRemove', { serverId: SERVER, repository: `${b.app}-other`, removeOnTarget: true, sudoPassword: sudoUser?.password }).catch(() => {})
  await closeBackupApp(b)
  await sshd?.stop()
  await sudoUser?.remove()
  if (spawnSync('getent', ['passwd', USER]).status === 0) execFileSync('userdel', [USER])
  if (folder) fs.rmSync(path.dirname(folder), { recursive: true, force: true })
}, 300_000)

describe('a repository on another Homeport server: refused clearly, nothing left behind', { timeout: 300_000 }, () => {
  it('refuses the same server and a server not added', async () => {
    const same = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-self`, target: { kind: 'homeport', server: SERVER } }))
    expect(same.code).toBe('INVALID_INPUT')
    expect(same.cliHint).toContain('--target')
    const unknown = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-none`, target: { kind: 'homeport', server: 'no-such-server' } }))
    expect(unknown.code).toBe('NOT_FOUND')
    expect(await repoNames()).not.toContain(`${b.app}-self`)
  })

  it('a wrong sudo password changes nothing there', async () => {
    const err = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-other`, target: target(), sudoPassword: 'not-the-password' }))
    expect(err.code).toBe('SUDO_AUTH_FAILED')
    expect(err.message).toContain(other)
    expect(err.cliHint).toContain('--sudo-password-stdin')
    expect(userLine()).toBe('')
    expect(fs.existsSync(folder)).toBe(false)
  })

  it('an sshd that reads no drop-ins: says how to fix it, and takes back what it made', async () => {
    await sshd.setConfig(false)
    try {
      const err = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-other`, target: target(), sudoPassword: sudoUser.password }))
      expect(err.code).toBe('COMMAND_FAILED')
      expect(err.message).toContain('does not read drop-in files')
      expect(err.hint).toContain('Include /etc/ssh/sshd_config.d/*.conf')
    } finally {
      await sshd.setConfig(true)
    }
    expect(userLine()).toBe('')
    expect(fs.existsSync(folder)).toBe(false)
    expect(dropins()).toEqual([])
    expect(await repoNames()).not.toContain(`${b.app}-other`)
  })

  it('an sshd whose AllowUsers leaves the user out: says so, and takes back what it made', async () => {
    await sshd.setConfig(true, [`AllowUsers ${sudoUser.name}`])
    try {
      const err = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-other`, target: target(), sudoPassword: sudoUser.password }))
      expect(err.code).toBe('COMMAND_FAILED')
      expect(err.message).toContain(`allowusers does not list ${USER}`)
    } finally {
      await sshd.setConfig(true)
    }
    expect(userLine()).toBe('')
    expect(fs.existsSync(folder)).toBe(false)
    expect(dropins()).toEqual([])
  })

  it('refuses a folder sshd cannot confine a user to (under the world-writable /tmp)', async () => {
    const err = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-other`, target: target({ path: `/tmp/hpbk-hptarget-${randomBytes(3).toString('hex')}` }), sudoPassword: sudoUser.password }))
    expect(err.code).toBe('INVALID_INPUT')
    expect(err.message).toContain('/tmp is writable by others than root')
    expect(userLine()).toBe('')
    // A folder that holds something already (/etc, a home…) would show all of it to the user.
    const used = path.join(path.dirname(folder), 'used')
    fs.mkdirSync(used, { recursive: true })
    fs.writeFileSync(path.join(used, 'notes.txt'), 'private\n')
    const full = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-other`, target: target({ path: used }), sudoPassword: sudoUser.password }))
    expect(full.code).toBe('INVALID_INPUT')
    expect(full.message).toContain('already holds other files (notes.txt)')
    expect(fs.readdirSync(used)).toEqual(['notes.txt'])
    fs.rmSync(used, { recursive: true })
    expect(userLine()).toBe('')
  })

  it('a failure after the user was made (restic cannot start) takes the user, folder and rule back', async () => {
    const image = await b.t.call('settings.get', { key: 'backups.resticImage' })
    await b.t.call('settings.set', { key: 'backups.resticImage', value: '127.0.0.1:1/no-such/restic:0' })
    try {
      await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-other`, target: target(), sudoPassword: sudoUser.password }))
    } finally {
      await b.t.call('settings.set', { key: 'backups.resticImage', value: image as string })
    }
    expect(userLine()).toBe('')
    expect(fs.existsSync(folder)).toBe(false)
    expect(dropins()).toEqual([])
    expect(await repoNames()).not.toContain(`${b.app}-other`)
  })

  it('leaves alone a user of that name that Homeport did not make', async () => {
    execFileSync('useradd', ['--system', '--no-create-home', '--comment', 'someone else', USER])
    try {
      const err = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-other`, target: target(), sudoPassword: sudoUser.password }))
      expect(err.code).toBe('ALREADY_EXISTS')
      expect(err.message).toContain(USER)
      expect(userLine()).toContain('someone else')
      expect(dropins()).toEqual([])
    } finally {
      execFileSync('userdel', [USER])
    }
  })
})

describe('a repository on another Homeport server', { timeout: 300_000 }, () => {
  it('makes a user there confined to SFTP in one folder, with a key of its own, and backs up to it', async () => {
    const name = `${b.app}-other`
    const added = await b.t.call('backups.repoAdd', { serverId: SERVER, name, target: target(), sudoPassword: sudoUser.password })
    expect(added.repository).toMatchObject({ kind: 'homeport', targetServer: other, targetUser: USER, hostKey: sshd.hostKeyFingerprint, location: `sftp:${USER}@127.0.0.1:/data` })
    expect(added.generatedPassword).toBeTruthy()
    // The user: no password, no login shell, its rule in the drop-in folder.
    const [, , , , comment, home, loginShell] = userLine().split(':')
    expect({ comment, home, shell: loginShell }).toEqual({ comment: expect.stringContaining('Homeport backups from'), home: folder, shell: expect.stringMatching(/nologin$/) })
    expect(execFileSync('getent', ['shadow', USER], { encoding: 'utf8' }).split(':')[1]).toBe('*')
    expect(dropins()).toEqual(['homeport-backup-home.conf'])
    expect(fs.readFileSync(path.join(sshd.dropins, 'homeport-backup-home.conf'), 'utf8')).toMatch(/Match User hp-backup-home\n\tChrootDirectory .*\n\tForceCommand internal-sftp/)
    // The chroot: root's; the repository's files in the user's own folder inside it.
    expect(fs.statSync(folder).uid).toBe(0)
    expect(fs.statSync(path.join(folder, 'data')).uid).toBe(Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' })))
    expect(fs.existsSync(path.join(folder, 'data', 'config'))).toBe(true)
    expect(fs.readdirSync(path.join(folder, 'data')).sort()).toEqual(expect.arrayContaining(['data', 'index', 'keys', 'snapshots']))

    // The private key is in the keychain only; with it, no shell and nothing outside the folder.
    const serverId = (await b.t.call('servers.list', {})).find((s) => s.name === SERVER)!.id
    const key = await new KeychainSecretStore(loadKeytar()).get(backupRepoAccount(serverId, name, 'ssh-key'))
    expect(key).toContain('PRIVATE KEY')
    expect(JSON.stringify(await b.t.call('backups.repoList', { serverId: SERVER }))).not.toContain('PRIVATE KEY')
    fs.writeFileSync(keyFile, key!, { mode: 0o600 })
    const shell = asBackupUser('ssh', [`${USER}@127.0.0.1`, 'cat /etc/passwd; echo shell-ran'])
    expect(shell.out).not.toContain('shell-ran')
    expect(shell.out).not.toContain('root:x:0:0')
    const tty = asBackupUser('ssh', ['-tt', `${USER}@127.0.0.1`])
    expect(tty.out).not.toMatch(/\$ |# /)
    const listing = asBackupUser('sftp', ['-b', '-', `${USER}@127.0.0.1`], 'ls -a /\n')
    expect(listing.code).toBe(0)
    expect(listing.out.split(/\s+/).filter((w) => w.startsWith('/') && w !== '/').sort()).toEqual(['/.', '/..', '/.ssh', '/data'])
    const passwd = asBackupUser('sftp', ['-b', '-', `${USER}@127.0.0.1`], `get /etc/passwd ${path.join(b.scratch, 'passwd')}\n`)
    expect(passwd.code).not.toBe(0)
    expect(fs.existsSync(path.join(b.scratch, 'passwd'))).toBe(false)
    const escape = asBackupUser('sftp', ['-b', '-', `${USER}@127.0.0.1`], 'put /etc/hostname /.ssh/authorized_keys\n')
    expect(escape.code).not.toBe(0)

    // A backup through it, the app's files damaged, restored: every file as it was.
    const before = await checksums(hs, b)
    await b.t.call('backups.policySet', { serverId: SERVER, app: b.app, repository: name })
    const backup = await finished(b.t, b.t.call('backups.run', { serverId: SERVER, app: b.app }))
    expect(backup.error, JSON.stringify(backup.error)).toBeUndefined()
    await inVolume(hs, b.volume, 'rm -rf /data/docs && echo changed > /data/notes.txt')
    expect(await checksums(hs, b)).not.toEqual(before)
    const [snapshot] = await b.t.call('backups.snapshots', { serverId: SERVER, app: b.app })
    const restore = await finished(b.t, b.t.call('backups.restore', { serverId: SERVER, app: b.app, snapshot: snapshot.id, confirm: b.app }))
    expect(restore.error, JSON.stringify(restore.error)).toBeUndefined()
    expect(await checksums(hs, b)).toEqual(before)
    expect(await resticContainersLeft(b)).toBe('')
  })

  it('backs up to it on schedule, run on the server as cron would, with its key among the stored secrets', async () => {
    const backupsDir = `/home/${hs.user}/.local/share/homeport/backups`
    const before = (await b.t.call('backups.snapshots', { serverId: SERVER, app: b.app })).length
    await b.t.call('backups.scheduleSet', { serverId: SERVER, app: b.app, backup: '0 4 * * *', storeSecretsOnServer: true })
    try {
      const secrets = path.join(backupsDir, 'secrets', `${b.app}-other`)
      expect(fs.readdirSync(secrets).sort()).toEqual(expect.arrayContaining(['id_ed25519', 'password']))
      expect((fs.statSync(path.join(secrets, 'id_ed25519')).mode & 0o777).toString(8)).toBe('600')
      await b.t.call('servers.disconnect', { id: SERVER })
      execFileSync('su', ['-s', '/bin/sh', '-c', `sh ${backupsDir}/schedules/${b.app}.sh backup`, hs.user], { encoding: 'utf8' })
      const runs = fs.readFileSync(path.join(backupsDir, 'runs.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { app: string; kind: string; status: string })
      expect(runs.filter((r) => r.app === b.app).at(-1)).toMatchObject({ kind: 'backup', status: 'ok' })
      await b.t.call('servers.connect', { id: SERVER })
      expect(await b.t.call('backups.snapshots', { serverId: SERVER, app: b.app })).toHaveLength(before + 1)
    } finally {
      await b.t.call('backups.scheduleRemove', { serverId: SERVER, app: b.app })
    }
  })

  it('refuses a second repository from this server on the same one', async () => {
    const err = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-again`, target: target(), sudoPassword: sudoUser.password }))
    expect(err.code).toBe('ALREADY_EXISTS')
    expect(err.message).toContain(`${b.app}-other`)
  })

  it('removed with removeOnTarget: the user and its rule go, the backups stay (owned by root)', async () => {
    const name = `${b.app}-other`
    await b.t.call('backups.policyRemove', { serverId: SERVER, app: b.app })
    await b.t.call('backups.repoRemove', { serverId: SERVER, repository: name, removeOnTarget: true, sudoPassword: sudoUser.password })
    expect(await repoNames()).not.toContain(name)
    expect(userLine()).toBe('')
    expect(dropins()).toEqual([])
    expect(fs.existsSync(path.join(folder, 'data', 'config'))).toBe(true)
    expect(fs.statSync(path.join(folder, 'data')).uid).toBe(0)
    expect(asBackupUser('sftp', ['-b', '-', `${USER}@127.0.0.1`], 'ls /\n').code).not.toBe(0)
  })
})
