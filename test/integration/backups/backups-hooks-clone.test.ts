// An app that declares x-homeport pre/post hooks keeps running while it is backed up (its container is
// never restarted and the hook's output is in the snapshot), and a snapshot restores as a clone: a new app
// with its own volume and folder holding the same files, the original untouched.

import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupJobResult, DrillJobResult, RestoreJobResult } from '../../../shared/contract/index.js'
import { docker, homeportFailure, useHomeServer } from '../../homeserver/helpers.js'
import { checksums, closeBackupApp, compose, finished, inVolume, openBackupApp, resticContainersLeft, SERVER, type BackupApp } from './backups-fixture.js'

const hs = useHomeServer()
let b: BackupApp
let repo: string
let clone: string

const HOOKS = [
  'x-homeport:',
  '  backup:',
  '    pre: { service: app, command: ["sh", "-c", "echo consistent > /data/hook-dump.txt"] }',
  '    post: { service: app, command: "rm -f /data/hook-dump.txt" }',
  '',
].join('\n')

const startedAt = async (container: string) => (await docker(['inspect', '--format', '{{.State.StartedAt}}', container])).trim()

beforeAll(async () => {
  b = await openBackupApp(hs, 'hpbk-hooks')
  repo = `${b.app}-repo`
  clone = `${b.app}-copy`
  await b.t.call('backups.repoAdd', { serverId: SERVER, name: repo, target: { kind: 'local', path: path.join(b.scratch, 'repo') } })
}, 300_000)

afterAll(async () => {
  await b?.t.call('apps.remove', { serverId: SERVER, app: clone, volumes: true, confirm: clone }).catch(() => {})
  await b?.t.call('backups.policyRemove', { serverId: SERVER, app: b.app }).catch(() => {})
  await b?.t.call('backups.repoRemove', { serverId: SERVER, repository: repo }).catch(() => {})
  await closeBackupApp(b)
}, 300_000)

describe('hooks and clones', { timeout: 300_000 }, () => {
  it('runs the pre and post hooks and keeps the app running through the backup', async () => {
    const update = await finished(b.t, b.t.call('apps.update', { serverId: SERVER, app: b.app, compose: compose(hs.images[0]) + HOOKS }))
    expect(update.error, JSON.stringify(update.error)).toBeUndefined()
    await b.t.call('backups.policySet', { serverId: SERVER, app: b.app, repository: repo, consistency: 'hooks' })
    const before = await startedAt(`${b.app}-app-1`)
    const job = await finished(b.t, b.t.call('backups.run', { serverId: SERVER, app: b.app }))
    expect(job.error, JSON.stringify(job.error)).toBeUndefined()
    expect(job.result as BackupJobResult).toMatchObject({ consistency: 'hooks', downtimeMs: 0 })
    expect(await startedAt(`${b.app}-app-1`)).toBe(before)
    // The post hook removed the dump from the volume; the snapshot has it.
    expect(await inVolume(hs, b.volume, 'ls /data')).not.toContain('hook-dump.txt')
    const restored = await finished(b.t, b.t.call('backups.restore', { serverId: SERVER, app: b.app, snapshot: 'latest', path: `/backup/volumes/${b.volume}/hook-dump.txt`, confirm: b.app }))
    expect(restored.error, JSON.stringify(restored.error)).toBeUndefined()
    expect((await inVolume(hs, b.volume, 'cat /data/hook-dump.txt')).trim()).toBe('consistent')
  })

  it('fails the backup with the hook output when a hook fails, and the app keeps running', async () => {
    const broken = HOOKS.replace('echo consistent > /data/hook-dump.txt', 'echo no database here >&2; exit 3')
    await finished(b.t, b.t.call('apps.update', { serverId: SERVER, app: b.app, compose: compose(hs.images[0]) + broken }))
    const job = await finished(b.t, b.t.call('backups.run', { serverId: SERVER, app: b.app }))
    expect(job.error?.code).toBe('COMMAND_FAILED')
    expect(job.error?.message).toContain('pre-backup hook')
    expect(job.error?.details).toContain('no database here')
    expect((await b.t.call('apps.list', { serverId: SERVER })).find((a) => a.name === b.app)?.state).toBe('running')
  })

  it('restores as a clone with its own volume and folder; the original is untouched', async () => {
    const original = await checksums(hs, b)
    const taken = await homeportFailure(b.t.call('backups.restore', { serverId: SERVER, app: b.app, snapshot: 'latest', as: b.app }))
    expect(taken.code).toBe('ALREADY_EXISTS')
    const job = await finished(b.t, b.t.call('backups.restore', { serverId: SERVER, app: b.app, snapshot: 'latest', as: clone }))
    expect(job.error, JSON.stringify(job.error)).toBeUndefined()
    const result = job.result as RestoreJobResult
    expect(result).toMatchObject({ target: clone, volumes: [`${clone}_data`] })
    expect(result.binds).toEqual([path.join(path.dirname(b.appDir), clone, 'files')])
    const copy = await checksums(hs, { ...b, app: clone, volume: `${clone}_data`, bind: result.binds[0] })
    const { 'volume:./hook-dump.txt': dump, ...rest } = copy
    expect(dump).toBeDefined()
    expect(rest).toEqual(Object.fromEntries(Object.entries(original).filter(([k]) => k !== 'volume:./hook-dump.txt')))
    expect((await b.t.call('apps.list', { serverId: SERVER })).find((a) => a.name === clone)?.state).toBe('running')
    expect(await checksums(hs, b)).toEqual(original)
    expect(fs.existsSync(path.join(path.dirname(b.appDir), clone, 'compose.yml'))).toBe(true)
    expect(await resticContainersLeft(b)).toBe('')
  })

  it('proves a restore with a drill: every file restored into scratch volumes as it was backed up, the app untouched', async () => {
    const before = await startedAt(`${b.app}-app-1`)
    const job = await finished(b.t, b.t.call('backups.drill', { serverId: SERVER, app: b.app }))
    expect(job.error, JSON.stringify(job.error)).toBeUndefined()
    const result = job.result as DrillJobResult
    expect(result.files).toBe(6) // notes, blob, odd name, app.db, hook dump; settings.yml in the folder
    const policy = await b.t.call('backups.policyGet', { serverId: SERVER, app: b.app })
    expect(policy?.lastProvenRestore).toEqual({ time: result.provenAt, snapshotId: result.snapshotId })
    expect(await startedAt(`${b.app}-app-1`)).toBe(before)
    expect((await docker(['volume', 'ls', '-q', '--filter', `label=io.homeport.backup.app=${b.app}`])).trim()).toBe('')
  })

  it('catches a damaged pack file in a drill, naming the files that do not restore', async () => {
    const packs = path.join(b.scratch, 'repo', 'data')
    const files = (fs.readdirSync(packs, { recursive: true }) as string[]).map((f) => path.join(packs, f)).filter((f) => fs.statSync(f).isFile())
    const biggest = files.sort((x, y) => fs.statSync(y).size - fs.statSync(x).size)[0]
    const fd = fs.openSync(biggest, 'r+')
    fs.writeSync(fd, Buffer.from('damage'), 0, 6, 200)
    fs.closeSync(fd)
    const job = await finished(b.t, b.t.call('backups.drill', { serverId: SERVER, app: b.app }))
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('BACKUP_DAMAGED')
    expect(job.error?.details).toMatch(/^ignoring error for \/backup\/\S+: ciphertext verification failed$/m)
    expect(job.error?.message).toMatch(/could not restore \d+ file\(s\)/)
  })

  it('leaves the app running and its data as it was when restic cannot restore (a pack file missing)', async () => {
    const before = await checksums(hs, b)
    const packs = path.join(b.scratch, 'repo', 'data')
    for (const dir of fs.readdirSync(packs)) fs.rmSync(path.join(packs, dir), { recursive: true, force: true })
    const job = await finished(b.t, b.t.call('backups.restore', { serverId: SERVER, app: b.app, snapshot: 'latest', confirm: b.app }))
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('BACKUP_FAILED')
    expect(job.log.join('\n')).not.toContain(`Stopping ${b.app}`)
    expect((await b.t.call('apps.list', { serverId: SERVER })).find((a) => a.name === b.app)?.state).toBe('running')
    expect(await checksums(hs, b)).toEqual(before)
    expect((await docker(['volume', 'ls', '-q', '--filter', `label=io.homeport.backup.app=${b.app}`])).trim()).toBe('')
  })

  it('leaves no half-made clone when restic cannot restore it: no volume, no folder, no app', async () => {
    const broken = `${b.app}-broken`
    const job = await finished(b.t, b.t.call('backups.restore', { serverId: SERVER, app: b.app, snapshot: 'latest', as: broken }))
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('BACKUP_FAILED')
    expect((await docker(['volume', 'ls', '-q', '--filter', `name=${broken}`])).trim()).toBe('')
    expect(fs.existsSync(path.join(path.dirname(b.appDir), broken))).toBe(false)
    expect((await b.t.call('apps.list', { serverId: SERVER })).map((a) => a.name)).not.toContain(broken)
    expect(await resticContainersLeft({ ...b, app: broken })).toBe('')
  })
})
