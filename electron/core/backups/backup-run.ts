// One backup of an app, as a job: the app is stopped for the snapshot and started again (the downtime is
// measured), or — with the `hooks` policy — its pre hook runs, the snapshot is taken while it runs, and its
// post hook runs whatever happened. Then the policy's retention (`forget --prune`), while a stopped app starts again. An app that was
// stopped by the run is always started again, even when the snapshot failed.

import type { BackupJobResult, PolicyDto } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import type { JobContext } from '../jobs/job-runner.js'
import { readHooks, runHook } from './app-hooks.js'
import { appSources, backupMounts, backupPaths, type AppSources } from './app-sources.js'
import type { AppsPort } from './apps-port.js'
import { findRepository, readBackupConfig } from './backup-config.js'
import { restic, type BackupServer } from './restic-call.js'
import { APP_LABEL } from './restic-container.js'
import { backupProgress } from './restic-progress.js'
import { applyRetention } from './retention.js'
import { APP_TAG, SNAPSHOT_HOST } from './snapshots.js'

export function policyFor(policies: PolicyDto[], app: string, server: string): PolicyDto {
  const policy = policies.find((p) => p.app === app)
  if (!policy) throw new HomeportError('NOT_FOUND', `"${app}" on ${server} has no backup policy.`, { hint: 'Choose a repository for the app on the Backups page first.', cliHint: 'Set one first: `homeport backups policy set SERVER APP --repo REPO`.' })
  return policy
}

/** restic's arguments for a backup of an app (a scheduled run uses the same). */
export function backupArgs(sources: AppSources): string[] {
  return ['backup', '--json', '--host', SNAPSHOT_HOST, '--tag', `${APP_TAG}=${sources.app}`, ...backupPaths(sources)]
}

export async function runBackup(srv: BackupServer, session: SshSession, apps: AppsPort, app: string, ctx: JobContext): Promise<BackupJobResult> {
  const config = await readBackupConfig(session)
  const policy = policyFor(config.policies, app, srv.server)
  const repo = findRepository(config, policy.repository, srv.server)
  const sources = await appSources(srv.docker, session, srv.server, app)
  ctx.log(`Backing up volumes ${sources.volumes.join(', ') || '(none)'}, folders ${sources.binds.join(', ') || '(none)'} and ${sources.composeFiles.length} compose file(s) into ${repo.name}.`)
  const hooks = policy.consistency === 'hooks' ? await readHooks(session, sources.composeFiles[0]) : {}
  const progress = backupProgress(ctx, `Backing up ${app}`)
  const snapshot = () =>
    restic(srv, repo, backupArgs(sources), {
      what: `back up ${app}`,
      role: 'backup',
      mounts: backupMounts(sources),
      signal: ctx.signal,
      onStdoutLine: progress.onLine,
      labels: { [APP_LABEL]: app },
    })

  const retain = async () => {
    if (!progress.summary()) throw new HomeportError('BACKUP_FAILED', `restic finished the backup of ${app} without a summary.`)
    ctx.step(`Applying the retention policy`)
    return applyRetention(srv, repo, app, policy.retention, ctx.signal)
  }
  let downtimeMs = 0
  let forgotten: number
  if (policy.consistency === 'hooks') {
    if (hooks.pre) {
      ctx.step(`Running the pre-backup hook in ${hooks.pre.service}`)
      await runHook(srv.docker, app, hooks.pre, 'pre')
    }
    try {
      ctx.step(`Taking the snapshot while ${app} keeps running`)
      await snapshot()
    } finally {
      if (hooks.post) {
        ctx.step(`Running the post-backup hook in ${hooks.post.service}`)
        await runHook(srv.docker, app, hooks.post, 'post')
      }
    }
    forgotten = await retain()
  } else {
    const wasRunning = (await apps.get(srv.serverId, app))?.state !== 'stopped'
    const stoppedAt = Date.now()
    const startAgain = async () => {
      if (!wasRunning) return
      ctx.step(`Starting ${app} again`)
      await apps.start(srv.serverId, app)
      downtimeMs = Date.now() - stoppedAt
      ctx.log(`${app} was stopped for ${(downtimeMs / 1000).toFixed(1)} s.`)
    }
    if (wasRunning) {
      ctx.step(`Stopping ${app} for a consistent snapshot`)
      await apps.stop(srv.serverId, app)
    }
    try {
      ctx.step(`Taking the snapshot`)
      await snapshot()
    } catch (err) {
      await startAgain()
      throw err
    }
    // The retention needs only the repository: it runs while the app starts again, not after.
    const [retained, started] = await Promise.allSettled([retain(), startAgain()])
    if (started.status === 'rejected') throw started.reason
    if (retained.status === 'rejected') throw retained.reason
    forgotten = retained.value
  }
  const summary = progress.summary()!
  return {
    app,
    repository: repo.name,
    snapshotId: summary.snapshot_id,
    filesNew: summary.files_new,
    filesChanged: summary.files_changed,
    bytesProcessed: summary.total_bytes_processed,
    bytesAdded: summary.data_added,
    downtimeMs,
    consistency: policy.consistency,
    forgotten,
  }
}
