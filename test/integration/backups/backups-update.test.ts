// Backup before update: an app with a backup policy is backed up by its update before anything changes
// (the window's Update and `homeport apps update` both start this same job), and an update that fails and
// rolls back names the snapshot to restore from. An app without a policy is updated without one.

import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { closeBackupApp, compose, finished, openBackupApp, SERVER, type BackupApp } from './backups-fixture.js'

const hs = useHomeServer()
let b: BackupApp
let REPO: string

beforeAll(async () => {
  b = await openBackupApp(hs, 'hpbk-upd')
  REPO = `${b.app}-repo`
  await b.t.call('backups.repoAdd', { serverId: SERVER, name: REPO, target: { kind: 'local', path: path.join(b.scratch, 'repo') } })
}, 300_000)

afterAll(async () => {
  await b?.t.call('backups.policyRemove', { serverId: SERVER, app: b.app }).catch(() => {})
  await b?.t.call('backups.repoRemove', { serverId: SERVER, repository: REPO }).catch(() => {})
  await closeBackupApp(b)
}, 300_000)

const snapshots = async () => b.t.call('backups.snapshots', { serverId: SERVER, repository: REPO })
const edited = (marker: string) => compose(hs.images[0]).replace('while true', `echo ${marker}; while true`)

describe('backup before update', { timeout: 300_000 }, () => {
  it('updates an app without a policy without a backup', async () => {
    const job = await finished(b.t, b.t.call('apps.update', { serverId: SERVER, app: b.app, compose: edited('one') }))
    expect(job.error, JSON.stringify(job.error)).toBeUndefined()
    expect(await snapshots()).toHaveLength(0)
  })

  it('takes a snapshot first when the app has a policy', async () => {
    await b.t.call('backups.policySet', { serverId: SERVER, app: b.app, repository: REPO })
    const job = await finished(b.t, b.t.call('apps.update', { serverId: SERVER, app: b.app, compose: edited('two') }))
    expect(job.error, JSON.stringify(job.error)).toBeUndefined()
    const snaps = await snapshots()
    expect(snaps).toHaveLength(1)
    expect(snaps[0]).toMatchObject({ app: b.app, volumes: [b.volume] })
    expect(JSON.stringify(job)).toContain(`Backing up ${b.app} before the update`)
    expect((await docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${b.app}`])).trim()).not.toBe('')
  })

  it('names the snapshot to restore from when the update fails and rolls back', async () => {
    const broken = compose(hs.images[0]).replace(`["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]`, '["sh", "-c", "exit 3"]')
    const job = await finished(b.t, b.t.call('apps.update', { serverId: SERVER, app: b.app, compose: broken, verifyTimeoutMs: 5000 }))
    expect(job.state).toBe('failed')
    const snaps = await snapshots()
    expect(snaps).toHaveLength(2)
    expect(job.error?.message).toContain(`snapshot ${snaps[0].shortId}`)
    expect(job.error?.message).toContain(REPO)
    expect(job.error?.cliHint).toContain(`homeport backups restore SERVER ${b.app} ${snaps[0].shortId}`)
  })
})
