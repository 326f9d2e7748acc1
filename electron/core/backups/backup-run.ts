// One backup of an app, as a job: the app is stopped for the snapshot and started again (the downtime is
// measured), or — with the `hooks` policy — its pre hook runs, the snapshot is taken while it runs, and its
// post hook runs whatever happened. Then the policy's retention (`forget --prune`), while a stopped app starts again (as soon as
// restic's summary says the snapshot is saved). An app that was stopped by the run is always started again, even when the
// snapshot failed. Each restic command opens the repository (a key derivation of half a second or so), so retention that
// provably removes nothing is not run.

import type { BackupJobResult, PolicyDto, SnapshotDto } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import type { JobContext } from '../jobs/job-runner.js'
import { readHooks, runHook } from './app-hooks.js'
import { appSources, backupMounts, backupPaths, type AppSources } from './app-sources.js'
import type { AppsPort } from './apps-port.js'
import { findRepository, readBackupConfig, type StoredRepository } from './backup-config.js'
import { restic, type BackupServer } from './restic-call.js'
import { APP_LABEL } from './restic-container.js'
import { backupProgress } from './restic-progress.js'
import { applyRetention, countLocalSnapshots, keepsEverything } from './retention.js'
import { APP_TAG, listSnapshots, SNAPSHOT_HOST } from './snapshots.js'

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
  // When the new snapshot still leaves no more than the policy's "last N", retention cannot remove anything and
  // its own repository opening is saved. A repository elsewhere: the app's snapshots so far, listed while the app
  // stops and restic runs. A folder on the server: its snapshot files, counted without restic (no second key
  // derivation beside the backup's) once restic's summary says the new one is saved.
  const earlier = policy.retention.last > 0 && repo.kind !== 'local' ? listSnapshots(srv, repo, app).catch(() => undefined) : undefined
  const counting: Counting = {}
  try {
    return await backUp(srv, session, apps, app, ctx, { policy, repo, earlier, counting })
  } finally {
    // Nothing of the run is left behind, even when it failed before the listing or the count ended.
    await earlier
    await counting.snapshots
  }
}

interface Counting {
  snapshots?: Promise<number | undefined>
}

interface Plan {
  policy: PolicyDto
  repo: StoredRepository
  earlier: Promise<SnapshotDto[] | undefined> | undefined
  counting: Counting
}

async function backUp(srv: BackupServer, session: SshSession, apps: AppsPort, app: string, ctx: JobContext, { policy, repo, earlier, counting }: Plan): Promise<BackupJobResult> {
  const [sources, current] = await Promise.all([appSources(srv.docker, session, srv.server, app), policy.consistency === 'stop' ? apps.get(srv.serverId, app) : undefined])
  ctx.log(`Backing up volumes ${sources.volumes.join(', ') || '(none)'}, folders ${sources.binds.join(', ') || '(none)'} and ${sources.composeFiles.length} compose file(s) into ${repo.name}.`)
  const hooks = policy.consistency === 'hooks' ? await readHooks(session, sources.composeFiles[0]) : {}
  const progress = backupProgress(ctx, `Backing up ${app}`)
  const snapshot = (onSaved?: () => void, startAfter?: Promise<unknown>) =>
    restic(srv, repo, backupArgs(sources), {
      what: `back up ${app}`,
      role: 'backup',
      mounts: backupMounts(sources),
      signal: ctx.signal,
      onStdoutLine: (line) => {
        progress.onLine(line)
        if (!progress.summary()) return
        if (repo.kind === 'local' && policy.retention.last > 0) counting.snapshots ??= countLocalSnapshots(srv, repo, app)
        onSaved?.()
      },
      labels: { [APP_LABEL]: app },
      ...(startAfter ? { startAfter } : {}),
    })

  const retain = async () => {
    const summary = progress.summary()
    if (!summary) throw new HomeportError('BACKUP_FAILED', `restic finished the backup of ${app} without a summary.`)
    const before = await earlier
    const count = before ? before.filter((s) => !s.id.startsWith(summary.snapshot_id)).length + 1 : await counting.snapshots
    if (count !== undefined && keepsEverything(policy.retention, count)) return 0
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
    const wasRunning = current?.state !== 'stopped'
    const stoppedAt = Date.now()
    let starting: Promise<void> | undefined
    // Once; as soon as restic's summary says the snapshot is saved, not only when its container is gone.
    const startAgain = () =>
      (starting ??= (async () => {
        if (!wasRunning) return
        ctx.step(`Starting ${app} again`)
        await apps.start(srv.serverId, app)
        downtimeMs = Date.now() - stoppedAt
        ctx.log(`${app} was stopped for ${(downtimeMs / 1000).toFixed(1)} s.`)
      })())
    let stopping: Promise<void> = Promise.resolve()
    if (wasRunning) {
      ctx.step(`Stopping ${app} for a consistent snapshot`)
      stopping = apps.stop(srv.serverId, app)
    }
    // restic's container is created while the app stops and started once it has: a stop that fails fails the
    // run as it is (nothing was stopped by it to start again), any later failure starts the app again.
    const stopFailure = stopping.then(() => undefined, (err: unknown) => ({ err }))
    const stopped = stopping.then(() => ctx.step(`Taking the snapshot`))
    // Handled at once: a stop that fails fast may reject before restic's run (after a keychain read) awaits it.
    stopped.catch(() => {})
    try {
      // A start that fails once restic's summary is out is reported by the awaits below.
      await snapshot(() => void startAgain().catch(() => {}), stopped)
    } catch (err) {
      const failedStop = await stopFailure
      if (failedStop) throw failedStop.err
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
