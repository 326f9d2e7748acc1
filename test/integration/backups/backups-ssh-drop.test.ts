// The SSH connection is cut while restic is taking a snapshot: the restic container goes on on the server,
// and once the connection is back the backup job picks up its result (the snapshot it made), starts the app
// again and removes the container — nothing is left running or lying around.

import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupJobResult } from '../../../shared/contract/index.js'
import { docker, killSshConnections, useHomeServer } from '../../homeserver/helpers.js'
import { closeBackupApp, inVolume, openBackupApp, resticContainersLeft, SERVER, type BackupApp } from './backups-fixture.js'

const hs = useHomeServer()
let b: BackupApp
let REPO: string

beforeAll(async () => {
  b = await openBackupApp(hs, 'hpbk-drop')
  REPO = `${b.app}-repo`
  // Enough incompressible data that restic is still reading it when the connection is cut.
  await inVolume(hs, b.volume, 'head -c 400000000 /dev/urandom > /data/big.bin')
}, 300_000)

afterAll(async () => {
  await b?.t.call('backups.policyRemove', { serverId: SERVER, app: b.app }).catch(() => {})
  await b?.t.call('backups.repoRemove', { serverId: SERVER, repository: REPO }).catch(() => {})
  await closeBackupApp(b)
}, 300_000)

/** The app's running restic backup containers on the server. */
async function runningBackups(): Promise<string[]> {
  const out = await docker(['ps', '--filter', `label=io.homeport.backup.app=${b.app}`, '--filter', 'label=io.homeport.backup=backup', '--format', '{{.ID}}'])
  return out.split('\n').filter(Boolean)
}

describe('a backup whose SSH connection is cut mid-run', { timeout: 600_000 }, () => {
  it('takes up the restic run after reconnecting: its snapshot is the job result, the app runs, no container is left', async () => {
    await b.t.call('backups.repoAdd', { serverId: SERVER, name: REPO, target: { kind: 'local', path: path.join(b.scratch, 'repo') } })
    await b.t.call('backups.policySet', { serverId: SERVER, app: b.app, repository: REPO })
    const { jobId } = await b.t.call('backups.run', { serverId: SERVER, app: b.app })
    await expect.poll(runningBackups, { timeout: 120_000, interval: 100 }).toHaveLength(1)
    const [container] = await runningBackups()
    expect(await killSshConnections()).toBeGreaterThan(0)
    // The cut did not stop restic on the server.
    expect(await docker(['inspect', '-f', '{{.State.Status}}', container]).then((s) => s.trim(), () => 'removed')).not.toBe('removed')

    const job = await b.t.finishedJob(jobId)
    expect(job.error, JSON.stringify(job.error)).toBeUndefined()
    const result = job.result as BackupJobResult
    expect(result.snapshotId).toMatch(/^[0-9a-f]{8}$/)
    expect(result.bytesProcessed).toBeGreaterThan(400_000_000)
    const snaps = await b.t.call('backups.snapshots', { serverId: SERVER, app: b.app })
    expect(snaps.map((s) => s.shortId)).toEqual([result.snapshotId])
    expect((await b.t.call('apps.list', { serverId: SERVER })).find((a) => a.name === b.app)?.state).toBe('running')
    expect(await resticContainersLeft(b)).toBe('')
  })
})
