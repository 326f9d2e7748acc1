// A restore drill, as a job: the app's latest snapshot is restored into scratch volumes with restic's
// `--verify`, which reads every restored file back and compares it with the content hashes the snapshot
// recorded. The app is not touched. A drill that passes is remembered on the server as the app's last
// proven restore; one that finds damage fails with BACKUP_DAMAGED, naming what did not restore.

import type { DrillJobResult } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import type { JobContext } from '../jobs/job-runner.js'
import { bindPath, volumePath } from './app-sources.js'
import { changeBackupConfig, findRepository, readBackupConfig } from './backup-config.js'
import { policyFor } from './backup-run.js'
import { restic, type BackupServer } from './restic-call.js'
import { APP_LABEL } from './restic-container.js'
import { resticError } from './restic-errors.js'
import { createStaging } from './staging.js'
import { findSnapshot, snapshotSize } from './snapshots.js'

export async function runDrill(srv: BackupServer, session: SshSession, app: string, ctx: JobContext): Promise<DrillJobResult> {
  const config = await readBackupConfig(session)
  const repo = findRepository(config, policyFor(config.policies, app, srv.server).repository, srv.server)
  const snap = await findSnapshot(srv, repo, app, 'latest')
  const roots = [...snap.volumes.map(volumePath), ...snap.binds.map(bindPath)]
  ctx.step(`Restoring snapshot ${snap.shortId} of ${app} into scratch volumes and checking every file`)
  const staging = await createStaging(srv.docker, roots, app)
  try {
    const out = await restic(srv, repo, ['restore', snap.id, '--target', '/', '--verify'], {
      what: `restore snapshot ${snap.shortId} for the drill`,
      role: 'drill',
      mounts: roots.map((root) => ({ type: 'volume' as const, source: staging.scratch.get(root)!, target: root, readOnly: false })),
      signal: ctx.signal,
      labels: { [APP_LABEL]: app },
      tolerate: true,
    })
    const damaged = `${out.stderr}\n${out.stdout}`.split('\n').filter((l) => /^ignoring error for |ciphertext verification failed|verification failed|invalid data returned/.test(l))
    if (out.code !== 0 && damaged.length) {
      throw new HomeportError('BACKUP_DAMAGED', `The drill could not restore ${damaged.length} file(s) of snapshot ${snap.shortId} of "${app}" as they were backed up (repository ${repo.name}).`, { details: damaged.join('\n').slice(0, 4000) })
    }
    if (out.code !== 0) {
      throw resticError(out, `restore snapshot ${snap.shortId} for the drill`, repo.name)
    }
    const { files, bytes } = await snapshotSize(srv, repo, snap.id, roots)
    const provenAt = new Date().toISOString()
    await changeBackupConfig(session, (c) => {
      const policy = c.policies.find((p) => p.app === app)
      if (policy) policy.lastProvenRestore = { time: provenAt, snapshotId: snap.id }
    })
    ctx.log(`Every one of ${files} file(s) restored as it was backed up.`)
    return { app, repository: repo.name, snapshotId: snap.id, files, bytes, provenAt }
  } finally {
    await staging.remove()
  }
}
