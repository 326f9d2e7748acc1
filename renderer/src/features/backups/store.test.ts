import { describe, expect, it } from 'vitest'
import type { JobDto, PolicyDto, RepositoryDto, SnapshotDto } from '../../../../shared/contract/index.js'
import { UMBREL_RETENTION } from '../../../../shared/contract/backups.js'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { backupBar, dedupRatio, describeBackup, describeRetention } from './components/backup-view.js'
import { presentedHostKey, targetOf, emptyRepositoryFields } from './components/repository-form.js'
import { useBackupsStore } from './store.js'

const repo: RepositoryDto = { name: 'usb', kind: 'local', location: '/mnt/usb/b', createdAt: '2026-11-01T10:00:00Z' }
const policy: PolicyDto = { app: 'notes', repository: 'usb', consistency: 'stop', retention: UMBREL_RETENTION }
const snapshot = (id: string, time: string): SnapshotDto => ({ id: id.repeat(8), shortId: id.repeat(8).slice(0, 8), time, app: 'notes', repository: 'usb', volumes: ['notes_data'], binds: [] })
const backupJob = (patch: Partial<JobDto<'backup'>> = {}): JobDto<'backup'> => ({
  id: 'j1', kind: 'backup', title: 'Back up notes on nas', serverId: 's1', app: 'notes', state: 'running', items: [], log: [], startedAt: '2026-11-30T01:00:00Z', ...patch,
})
const result = { app: 'notes', repository: 'usb', snapshotId: 'abcd1234', filesNew: 3, filesChanged: 0, bytesProcessed: 4096 * 1024, bytesAdded: 1024 * 1024, downtimeMs: 4200, consistency: 'stop' as const, forgotten: 0 }

const bridge = useFakeBridge()

function answerLists(jobs: JobDto[] = []): void {
  bridge.answer('backups.repoList', [repo])
  bridge.answer('backups.policyList', [policy])
  bridge.answer('jobs.list', jobs)
}

describe('backups store', () => {
  it('loads repositories, policies and the server\'s backup jobs (not its other jobs)', async () => {
    answerLists([backupJob({ state: 'succeeded', result, endedAt: '2026-11-30T01:01:00Z' }), { id: 'i1', kind: 'install', title: 'Install x', serverId: 's1', state: 'succeeded', items: [], log: [], startedAt: '2026-11-30T00:00:00Z' }])
    const store = useBackupsStore()
    await store.load('s1')
    expect(store.of('s1')).toMatchObject({ loaded: true, repositories: [repo], policies: [policy] })
    expect(store.jobsOf('s1').map((j) => j.id)).toEqual(['j1'])
    expect(store.jobsOf('s1', 'notes', 'backup')[0]?.result?.snapshotId).toBe('abcd1234')
    expect(store.jobsOf('s1', 'other')).toEqual([])
    expect(store.policyOf('s1', 'notes')).toEqual(policy)
  })

  it('keeps the error of a failed load on the server entry', async () => {
    bridge.fail('backups.repoList', { code: 'CONNECTION_LOST', message: 'nas is not connected', hint: 'Connect it' })
    bridge.answer('backups.policyList', [])
    bridge.answer('jobs.list', [])
    const store = useBackupsStore()
    await store.load('s1')
    expect(store.of('s1').error?.code).toBe('CONNECTION_LOST')
    expect(store.of('s1').loaded).toBe(false)
  })

  it('adds a repository with the target as given, and lists it; a generated password comes back once', async () => {
    bridge.answer('backups.repoAdd', { repository: repo, generatedPassword: 'p'.repeat(32) })
    const store = useBackupsStore()
    const added = await store.addRepository('s1', 'usb', { kind: 'local', path: '/mnt/usb/b' })
    expect(added.generatedPassword).toHaveLength(32)
    expect(bridge.calls.at(-1)).toEqual({ method: 'backups.repoAdd', input: { serverId: 's1', name: 'usb', target: { kind: 'local', path: '/mnt/usb/b' } } })
    expect(store.of('s1').repositories).toEqual([repo])
  })

  it('removes a repository from the list only once the core agreed', async () => {
    answerLists()
    const store = useBackupsStore()
    await store.load('s1')
    bridge.fail('backups.repoRemove', { code: 'INVALID_INPUT', message: 'notes uses usb', hint: 'Change its policy first' })
    await expect(store.removeRepository('s1', 'usb')).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(store.of('s1').repositories).toEqual([repo])
    bridge.answer('backups.repoRemove', undefined)
    await store.removeRepository('s1', 'usb')
    expect(store.of('s1').repositories).toEqual([])
  })

  it('sets and removes a policy', async () => {
    const store = useBackupsStore()
    bridge.answer('backups.policySet', (input) => ({ app: input.app, repository: input.repository, consistency: input.consistency ?? 'stop', retention: UMBREL_RETENTION }))
    await store.setPolicy('s1', 'notes', 'usb', 'hooks', UMBREL_RETENTION)
    expect(bridge.calls.at(-1)?.input).toEqual({ serverId: 's1', app: 'notes', repository: 'usb', consistency: 'hooks', retention: UMBREL_RETENTION })
    expect(store.policyOf('s1', 'notes')?.consistency).toBe('hooks')
    bridge.answer('backups.policyRemove', undefined)
    await store.removePolicy('s1', 'notes')
    expect(store.policyOf('s1', 'notes')).toBeUndefined()
  })

  it('lists snapshots newest first', async () => {
    bridge.answer('backups.snapshots', [snapshot('a', '2026-11-01T00:00:00Z'), snapshot('c', '2026-11-03T00:00:00Z'), snapshot('b', '2026-11-02T00:00:00Z')])
    const store = useBackupsStore()
    await store.loadSnapshots('s1', { app: 'notes' })
    expect(store.of('s1').snapshots.map((s) => s.shortId[0])).toEqual(['c', 'b', 'a'])
    expect(bridge.calls.at(-1)?.input).toEqual({ serverId: 's1', app: 'notes' })
  })

  it('follows a backup it started through job.update to its end, then reads policies and snapshots again', async () => {
    answerLists()
    bridge.answer('backups.run', { jobId: 'j1' })
    bridge.answer('jobs.get', backupJob())
    bridge.answer('backups.snapshots', [])
    const store = useBackupsStore()
    await store.run('s1', 'notes')
    expect(store.activeJob('s1', 'notes')?.state).toBe('running')
    bridge.emit('job.update', backupJob({ items: [{ key: 'backup', label: 'notes', current: 50, total: 200, unit: 'bytes', rate: 10, etaSeconds: 15 }] }))
    expect(backupBar(store.activeJob('s1', 'notes')!)).toMatchObject({ percent: 25, bytes: '50 B / 200 B', rate: '10 B/s', eta: 'about 15 s left' })
    const before = bridge.calls.length
    bridge.emit('job.update', backupJob({ state: 'succeeded', result, endedAt: '2026-11-30T01:01:00Z', items: [{ key: 'backup', label: 'notes', current: 190, total: 200, unit: 'bytes' }] }))
    // The bar of a finished run is full and stays up; the lists are read again.
    expect(backupBar(store.activeJob('s1', 'notes')!).percent).toBe(100)
    expect(bridge.calls.slice(before).map((c) => c.method)).toEqual(expect.arrayContaining(['backups.policyList', 'backups.snapshots']))
  })

  it('shows a backup started elsewhere (the CLI) on the app the job names', async () => {
    answerLists([backupJob({ id: 'cli' })])
    const store = useBackupsStore()
    await store.load('s1')
    expect(store.activeJob('s1', 'notes')?.id).toBe('cli')
    expect(store.activeJob('s1', 'other')).toBeUndefined()
  })

  it('starts a restore into the app with the confirmation, and a clone without', async () => {
    bridge.answer('backups.restore', { jobId: 'r1' })
    bridge.answer('jobs.get', { id: 'r1', kind: 'restore', title: 'Restore notes on nas', serverId: 's1', state: 'running', items: [], log: [], startedAt: '2026-11-30T02:00:00Z' })
    const store = useBackupsStore()
    await store.restore('s1', { app: 'notes', snapshot: 'abcd1234', confirm: 'notes' })
    expect(bridge.calls.find((c) => c.method === 'backups.restore')?.input).toEqual({ serverId: 's1', app: 'notes', snapshot: 'abcd1234', confirm: 'notes' })
    expect(store.activeJob('s1', 'notes')?.kind).toBe('restore')
  })

  it('passes the core\'s refusal of a second run on', async () => {
    bridge.fail('backups.run', { code: 'APP_BUSY', message: 'notes is being backed up', hint: 'Wait for it' })
    await expect(useBackupsStore().run('s1', 'notes')).rejects.toMatchObject({ code: 'APP_BUSY' })
  })
})

describe('backup figures', () => {
  it('gives the dedup ratio and a run in words, downtime included', () => {
    expect(dedupRatio(result)).toBe(4)
    expect(dedupRatio({ bytesProcessed: 0, bytesAdded: 0 })).toBeUndefined()
    expect(describeBackup({ ...result, bytesAdded: result.bytesProcessed + 100 })).not.toContain('dedup')
    expect(describeBackup(result)).toBe('read 4.0 MiB, stored 1.0 MiB new (dedup 4.0×), app down 4 s')
    expect(describeBackup({ ...result, consistency: 'hooks', downtimeMs: 0, forgotten: 2 })).toContain('app kept running (hooks), 2 old snapshots pruned')
  })

  it('shows Umbrel\'s retention in words and a bar before restic measured the size', () => {
    expect(describeRetention(UMBREL_RETENTION)).toBe('10 latest, 24 hourly, 7 daily, 4 weekly, 12 monthly')
    expect(backupBar(backupJob())).toMatchObject({ percent: 0, bytes: 'measuring…', rate: '', eta: '' })
  })

  it('turns the form into a target, and reads the host key an unknown SFTP host presented', () => {
    const fields = { ...emptyRepositoryFields(), kind: 'sftp' as const, host: 'nas.lan', user: 'bk', path: 'backups' }
    const key = `SHA256:${'A'.repeat(43)}`
    expect(targetOf(fields, key)).toEqual({ kind: 'sftp', host: 'nas.lan', port: 22, user: 'bk', path: 'backups', hostKey: key })
    expect(presentedHostKey({ code: 'HOST_KEY_UNKNOWN', message: `nas.lan:22 presented host key ${key}; it is not trusted yet`, hint: '' } as never)).toBe(key)
    expect(presentedHostKey({ code: 'HOST_KEY_MISMATCH', message: key, hint: '' } as never)).toBeUndefined()
  })
})
