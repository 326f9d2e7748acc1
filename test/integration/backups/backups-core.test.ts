// Backups through the assembled core against real restic (Debian's, in a container on the test home server):
// a repository on the server, a backup that stops and restarts the app, a round trip through a deleted
// volume (sha256 of every file and the SQLite database's integrity), a single-path restore, retention, a
// wrong password, an app that cannot be stopped, a full target disk — and no restic container left behind.

import { execFileSync, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupJobResult, RestoreJobResult } from '../../../shared/contract/index.js'
import { docker, homeportFailure, useHomeServer } from '../../homeserver/helpers.js'
import { homeServerInput, openTestCore } from '../core/test-core.js'
import { resticTestImage } from './restic-image.js'
import { checksums, closeBackupApp, finished, inVolume, integrity, openBackupApp, resticContainersLeft, SERVER, type BackupApp } from './backups-fixture.js'

const hs = useHomeServer()
let b: BackupApp
let repoPath: string
let password: string
let full: string | undefined
// Repository names on the shared server are this file's own.
let LOCAL: string
let SMALL: string

beforeAll(async () => {
  b = await openBackupApp(hs, 'hpbk-core')
  repoPath = path.join(b.scratch, 'repo')
  LOCAL = `${b.app}-local`
  SMALL = `${b.app}-small`
}, 300_000)

afterAll(async () => {
  await b?.t.call('backups.policyRemove', { serverId: SERVER, app: b.app }).catch(() => {})
  for (const repository of [LOCAL, SMALL]) await b?.t.call('backups.repoRemove', { serverId: SERVER, repository }).catch(() => {})
  if (full) execFileSync('umount', [full])
  await closeBackupApp(b)
}, 300_000)

describe('backups of an app to a repository on the server', { timeout: 300_000 }, () => {
  it('adds a repository: initialised, checked, password generated and kept in the keychain', async () => {
    const added = await b.t.call('backups.repoAdd', { serverId: SERVER, name: LOCAL, target: { kind: 'local', path: repoPath } })
    expect(added.repository).toMatchObject({ name: LOCAL, kind: 'local', location: repoPath })
    expect(added.generatedPassword?.length).toBeGreaterThanOrEqual(24)
    password = added.generatedPassword!
    expect(fs.existsSync(path.join(repoPath, 'config'))).toBe(true)
    expect((await b.t.call('backups.repoList', { serverId: SERVER })).map((r) => r.name)).toContain(LOCAL)
    expect(fs.readFileSync(`/home/${hs.user}/.local/share/homeport/backups/config.json`, 'utf8')).not.toContain(added.generatedPassword!)
    expect(await resticContainersLeft(b)).toBe('')
  })

  it('refuses a backup of an app without a policy, naming the fix', async () => {
    const job = await finished(b.t, b.t.call('backups.run', { serverId: SERVER, app: b.app }))
    expect(job.error?.code).toBe('NOT_FOUND')
    expect(job.error?.cliHint).toContain('backups policy set')
    expect(job.error?.hint).toContain('Backups page')
  })

  it('backs up with the app stopped and started again, downtime measured, progress from restic', async () => {
    const policy = await b.t.call('backups.policySet', { serverId: SERVER, app: b.app, repository: LOCAL })
    expect(policy.retention).toEqual({ last: 10, hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 0 })
    const before = await checksums(hs, b)
    const job = await finished(b.t, b.t.call('backups.run', { serverId: SERVER, app: b.app }))
    expect(job.error, JSON.stringify(job.error)).toBeUndefined()
    const result = job.result as BackupJobResult
    expect(result).toMatchObject({ app: b.app, repository: LOCAL, consistency: 'stop', forgotten: 0 })
    expect(result.downtimeMs).toBeGreaterThan(0)
    expect(result.filesNew).toBeGreaterThan(Object.keys(before).length) // and the compose file
    expect(b.t.of('job.update').some((j) => j.id === job.id && j.items.some((i) => i.key === 'backup' && i.unit === 'bytes' && i.total > 0))).toBe(true)
    expect((await b.t.call('apps.list', { serverId: SERVER })).find((a) => a.name === b.app)?.state).toBe('running')
    const snaps = await b.t.call('backups.snapshots', { serverId: SERVER, app: b.app })
    expect(snaps).toHaveLength(1)
    expect(snaps[0]).toMatchObject({ app: b.app, repository: LOCAL, volumes: [b.volume], binds: [b.bind] })
    expect(result.snapshotId).toBe(snaps[0].shortId)
    expect(await resticContainersLeft(b)).toBe('')
  })

  it('restores into the app after its volume was deleted: every sha256 identical, the database intact', async () => {
    const before = await checksums(hs, b)
    expect(await integrity(hs, b)).toBe('ok/5000')
    await docker(['rm', '-f', `${b.app}-app-1`])
    await docker(['volume', 'rm', b.volume])
    fs.rmSync(path.join(b.bind, 'settings.yml'))
    const unconfirmed = await homeportFailure(b.t.call('backups.restore', { serverId: SERVER, app: b.app, snapshot: 'latest' }))
    expect(unconfirmed.code).toBe('INVALID_INPUT')
    const job = await finished(b.t, b.t.call('backups.restore', { serverId: SERVER, app: b.app, snapshot: 'latest', confirm: b.app }))
    expect(job.error, JSON.stringify(job.error)).toBeUndefined()
    const result = job.result as RestoreJobResult
    expect(result).toMatchObject({ target: b.app, volumes: [b.volume], binds: [b.bind], health: 'running' })
    expect(await checksums(hs, b)).toEqual(before)
    expect(await integrity(hs, b)).toBe('ok/5000')
    expect((await b.t.call('apps.list', { serverId: SERVER })).find((a) => a.name === b.app)?.state).toBe('running')
    expect(await resticContainersLeft(b)).toBe('')
    expect((await docker(['volume', 'ls', '-q', '--filter', `label=io.homeport.backup.app=${b.app}`])).trim()).toBe('')
  })

  it('is taken on by a second computer with the password, and refused without it', async () => {
    const other = await openTestCore()
    try {
      await other.call('servers.add', homeServerInput(hs, SERVER))
      await other.call('settings.set', { key: 'backups.resticImage', value: await resticTestImage(hs) })
      const without = await homeportFailure(other.call('backups.repoAdd', { serverId: SERVER, name: LOCAL, target: { kind: 'local', path: repoPath } }))
      expect(without.code).toBe('ALREADY_EXISTS')
      expect(without.hint).toContain('password')
      await other.call('backups.repoAdd', { serverId: SERVER, name: LOCAL, target: { kind: 'local', path: repoPath }, password })
      expect((await other.call('backups.snapshots', { serverId: SERVER, app: b.app })).map((s) => s.id)).toEqual((await b.t.call('backups.snapshots', { serverId: SERVER, app: b.app })).map((s) => s.id))
    } finally {
      await other.close()
    }
  })

  it('restores a single file, leaving everything else as it is now', async () => {
    const before = await checksums(hs, b)
    await inVolume(hs, b.volume, 'rm /data/notes.txt && echo changed > /data/docs/new.txt')
    const job = await finished(b.t, b.t.call('backups.restore', { serverId: SERVER, app: b.app, snapshot: 'latest', path: `/backup/volumes/${b.volume}/notes.txt`, confirm: b.app }))
    expect(job.error, JSON.stringify(job.error)).toBeUndefined()
    expect((job.result as RestoreJobResult).files).toBe(1)
    const after = await checksums(hs, b)
    expect(after['volume:./notes.txt']).toBe(before['volume:./notes.txt'])
    expect(after['volume:./docs/new.txt']).toBeDefined()
  })

  it('keeps what the retention policy says', async () => {
    await b.t.call('backups.policySet', { serverId: SERVER, app: b.app, repository: LOCAL, retention: { last: 2, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 } })
    for (let i = 0; i < 2; i++) {
      const job = await finished(b.t, b.t.call('backups.run', { serverId: SERVER, app: b.app }))
      expect(job.error, JSON.stringify(job.error)).toBeUndefined()
      expect((job.result as BackupJobResult).forgotten).toBe(i === 0 ? 0 : 1)
    }
    const snaps = await b.t.call('backups.snapshots', { serverId: SERVER, app: b.app })
    expect(snaps).toHaveLength(2)
  })

  it('refuses a wrong password with BACKUP_AUTH_FAILED and saves nothing', async () => {
    const err = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-again`, target: { kind: 'local', path: repoPath }, password: 'not-the-password' }))
    expect(err.code).toBe('BACKUP_AUTH_FAILED')
    expect(err.message).toContain(`${b.app}-again`)
    expect((await b.t.call('backups.repoList', { serverId: SERVER })).map((r) => r.name)).not.toContain(`${b.app}-again`)
    expect(await resticContainersLeft(b)).toBe('')
  })

  it("fails with the stop's own error when the app cannot be stopped, leaving no restic container and the app running", async () => {
    const snapshotsBefore = (await b.t.call('backups.snapshots', { serverId: SERVER, app: b.app })).length
    // Another writer holds the app's lock, so its stop is refused while restic's container is being made ready.
    const lockFile = path.join(b.appDir, '.homeport-lock')
    if (!fs.existsSync(lockFile)) {
      fs.writeFileSync(lockFile, '')
      execFileSync('chown', [`${hs.user}:`, lockFile])
    }
    const holder = spawn('flock', ['-o', lockFile, 'sleep', '600'], { stdio: 'ignore' })
    try {
      await expect.poll(() => spawnSync('flock', ['-n', lockFile, 'true']).status, { timeout: 30_000 }).not.toBe(0)
      const job = await finished(b.t, b.t.call('backups.run', { serverId: SERVER, app: b.app }))
      expect(job.state).toBe('failed')
      expect(job.error?.code).toBe('APP_BUSY')
    } finally {
      const gone = new Promise((resolve) => holder.once('exit', resolve))
      holder.kill()
      await gone
    }
    expect(await resticContainersLeft(b)).toBe('')
    expect((await b.t.call('apps.list', { serverId: SERVER })).find((a) => a.name === b.app)?.state).toBe('running')
    expect(await b.t.call('backups.snapshots', { serverId: SERVER, app: b.app })).toHaveLength(snapshotsBefore)
  })

  it('fails with DISK_FULL on a full target, starts the app again, and the repository still passes check', async () => {
    full = path.join(b.scratch, 'small-disk')
    fs.mkdirSync(full)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'hpbk-core-full', full])
    await b.t.call('backups.repoAdd', { serverId: SERVER, name: SMALL, target: { kind: 'local', path: path.join(full, 'repo') } })
    await inVolume(hs, b.volume, 'head -c 4000000 /dev/urandom > /data/docs/big.bin')
    await b.t.call('backups.policySet', { serverId: SERVER, app: b.app, repository: SMALL })
    const job = await finished(b.t, b.t.call('backups.run', { serverId: SERVER, app: b.app }))
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('DISK_FULL')
    expect(job.error?.message).toContain(SMALL)
    expect((await b.t.call('apps.list', { serverId: SERVER })).find((a) => a.name === b.app)?.state).toBe('running')
    expect(await b.t.call('backups.repoCheck', { serverId: SERVER, repository: SMALL })).toEqual({ ok: true })
    expect(await resticContainersLeft(b)).toBe('')
    const used = await homeportFailure(b.t.call('backups.repoRemove', { serverId: SERVER, repository: SMALL }))
    expect(used.code).toBe('INVALID_INPUT')
  })
})
