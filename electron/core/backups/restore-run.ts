// A restore, as a job: restic restores the snapshot (or one path of it) into scratch volumes first; only
// then is the app stopped, its volumes' and folders' contents replaced, and the app started and watched
// until it runs (healthy, when it has a health check). `as` makes a clone instead: new volumes named for
// the new app, its compose file and `.env` from the snapshot, installed under the new name. A clone whose
// volumes and folder do not exist yet has nothing to protect: restic restores straight into them (no copy
// of the whole snapshot), and they are removed again if the restore fails before the clone is installed.

import { posix } from 'node:path'
import { Readable } from 'node:stream'
import type { RestoreJobResult, SnapshotDto } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import { LABEL } from '../compose/engine/container-spec.js'
import type { SshSession } from '../connection/types.js'
import { entryData, readEntries, type Verdict } from '../files/volumes/tar-entries.js'
import { homeFolder } from '../schedules/server-schedule.js'
import type { JobContext } from '../jobs/job-runner.js'
import { bindPath, COMPOSE_ROOT, volumePath } from './app-sources.js'
import type { AppsPort } from './apps-port.js'
import { findRepository, readBackupConfig, type StoredRepository } from './backup-config.js'
import { policyFor } from './backup-run.js'
import { waitUntilRunning } from './app-health.js'
import { restic, type BackupServer } from './restic-call.js'
import { downloadRestored } from './restore-local.js'
import { APP_LABEL } from './restic-container.js'
import { remapClonePorts, type MovedPort } from './clone-ports.js'
import { createStaging, replaceContents, type Replacement } from './staging.js'
import { findSnapshot } from './snapshots.js'
import { restoreCounted } from './restore-count.js'

export interface RestoreRequest {
  app: string
  snapshot: string
  repository?: string
  as?: string
  path?: string
  /** Several files or folders picked from the snapshot. */
  paths?: string[]
  /** A folder on this computer: `path` is downloaded there and the app is not touched. */
  toLocal?: string
}

export function repositoryFor(config: Awaited<ReturnType<typeof readBackupConfig>>, req: { app: string; repository?: string }, server: string): StoredRepository {
  return findRepository(config, req.repository ?? policyFor(config.policies, req.app, server).repository, server)
}

/** The files or folders a restore puts back (`path` or `paths`), without those inside another picked one; none: everything. */
export function pickedPaths(req: Pick<RestoreRequest, 'path' | 'paths'>): string[] | undefined {
  const given = [...new Set([...(req.paths ?? []), ...(req.path ? [req.path] : [])].map((p) => (p.length > 1 ? p.replace(/\/+$/, '') : p)))]
  if (!given.length) return undefined
  return given.filter((p) => !given.some((q) => q !== p && p.startsWith(`${q}/`))).sort()
}

/** The snapshot paths (volumes, folders) a restore touches: those holding the picked paths, or all of them. */
function pathsToRestore(snap: SnapshotDto, picked: string[] | undefined): string[] {
  const all = [...snap.volumes.map(volumePath), ...snap.binds.map(bindPath)]
  if (!picked) return all
  return [...new Set(picked.map((path) => rootOf(snap, all, path)))]
}

function rootOf(snap: SnapshotDto, roots: string[], path: string): string {
  const root = roots.find((p) => path === p || path.startsWith(`${p}/`))
  if (!root) throw new HomeportError('NOT_FOUND', `Snapshot ${snap.shortId} holds no ${path}.`, { hint: `Paths start with one of: ${roots.join(', ')}.` })
  return root
}

/** Where a snapshot path goes in the target app: the same volume or folder, or the clone's. */
function destinationOf(root: string, app: string, target: string, appsDirOf: (name: string) => string): { type: 'volume' | 'bind'; source: string } {
  if (root.startsWith('/backup/volumes/')) {
    const volume = root.slice('/backup/volumes/'.length)
    if (target === app) return { type: 'volume', source: volume }
    if (!volume.startsWith(`${app}_`)) throw new HomeportError('INVALID_INPUT', `Volume ${volume} is not "${app}"'s own (it is named without the app's prefix), so a clone cannot get a copy of it.`, { hint: 'Restore into the app itself instead.' })
    return { type: 'volume', source: `${target}_${volume.slice(app.length + 1)}` }
  }
  const hostPath = root.slice('/backup/binds'.length)
  if (target === app) return { type: 'bind', source: hostPath }
  const oldDir = appsDirOf(app)
  if (!hostPath.startsWith(`${oldDir}/`)) throw new HomeportError('INVALID_INPUT', `"${app}" keeps data in ${hostPath}, outside its app folder, so a clone would share it.`, { hint: 'Restore into the app itself instead.' })
  return { type: 'bind', source: posix.join(appsDirOf(target), hostPath.slice(oldDir.length + 1)) }
}

/** The compose file and `.env` a snapshot holds, from one `restic dump` of their folder (a tar archive). */
async function composeFilesOf(srv: BackupServer, repo: StoredRepository, snapshotId: string): Promise<{ compose?: string; env?: string }> {
  const out = await restic(srv, repo, ['dump', snapshotId, COMPOSE_ROOT], { what: 'read the compose file from the snapshot', role: 'dump', tolerate: true, binaryStdout: true })
  if (out.code !== 0 || !out.bytes?.length) return {}
  const files = new Map<string, string>()
  // Entry names differ between restic versions (from the snapshot's root, or from the folder): the file name decides.
  await readEntries(Readable.from([out.bytes]), async (info, entry): Promise<Verdict> => {
    if (info.type === 'file') files.set(posix.basename(info.path), (await entryData(entry)).toString('utf8'))
    return 'next'
  })
  const compose = files.get('compose.yml')
  const env = files.get('.env')
  return { ...(compose !== undefined ? { compose } : {}), ...(env !== undefined ? { env } : {}) }
}

export async function runRestore(srv: BackupServer, session: SshSession, apps: AppsPort, req: RestoreRequest, ctx: JobContext): Promise<RestoreJobResult> {
  const config = await readBackupConfig(session)
  const repo = repositoryFor(config, req, srv.server)
  const target = req.as ?? req.app
  // The snapshot listing opens the repository (a second or so): what needs only the server is asked meanwhile.
  const [snap, taken, home] = await Promise.all([findSnapshot(srv, repo, req.app, req.snapshot), req.as ? apps.get(srv.serverId, req.as) : undefined, homeFolder(session)])
  ctx.log(`Snapshot ${snap.shortId} of ${snap.time} in ${repo.name}.`)
  if (taken) throw new HomeportError('ALREADY_EXISTS', `There is already an app named "${req.as}" on ${srv.server}.`, { hint: 'Choose another name for the clone.' })
  const picked = pickedPaths(req)
  const roots = pathsToRestore(snap, picked)
  const appsDirOf = (name: string) => posix.join(home, '.local/share/homeport/apps', name)
  const destinations = roots.map((root) => ({ root, to: destinationOf(root, req.app, target, appsDirOf) }))

  const direct = req.as !== undefined && !req.toLocal && (await nothingThere(srv, session, appsDirOf(req.as), destinations.map((d) => d.to)))
  ctx.step(direct ? `Restoring snapshot ${snap.shortId} into ${target}'s new volumes` : `Restoring snapshot ${snap.shortId} into scratch volumes`)
  const staging = direct ? undefined : await createStaging(srv.docker, roots, target)
  let installing = false
  try {
    if (direct) await createDestinations(srv, session, target, destinations.map((d) => d.to))
    const mounts = destinations.map((d) => (staging ? { type: 'volume' as const, source: staging.scratch.get(d.root)!, target: d.root, readOnly: false } : { ...d.to, target: d.root, readOnly: false }))
    // The clone's compose files are read beside the restore: restic's locks for both are shared.
    const [stats, composeFiles] = await allSettledFirst([
      restoreCounted(srv, repo, ['restore', snap.id, '--target', '/', ...(picked ?? []).flatMap((p) => ['--include', p])], picked ?? roots, {
        what: `restore snapshot ${snap.shortId}`,
        role: 'restore',
        mounts,
        signal: ctx.signal,
        labels: { [APP_LABEL]: target },
      }),
      req.as ? composeFilesOf(srv, repo, snap.id) : Promise.resolve<{ compose?: string; env?: string }>({}),
    ])
    if (req.toLocal && req.path && staging) {
      const local = await downloadRestored(srv, staging.scratch.get(roots[0])!, roots[0], req.path, req.toLocal, ctx)
      return { app: req.app, snapshotId: snap.id, target: req.app, volumes: [], binds: [], path: req.path, files: stats.files, bytes: stats.bytes, health: 'untouched', local }
    }
    let compose = composeFiles.compose
    const env = composeFiles.env
    let moved: MovedPort[] = []
    if (req.as) {
      if (!compose) throw new HomeportError('NOT_FOUND', `Snapshot ${snap.shortId} holds no compose.yml, so it cannot be installed as a new app.`, { hint: 'Restore into the app itself instead.' })
      ;({ compose, moved } = await remapClonePorts(srv, session, { original: req.app, clone: req.as, compose, env, cloneDir: appsDirOf(req.as), home }))
      for (const m of moved) ctx.log(`Port ${m.from} of ${m.service} is taken on ${srv.server}; ${target} publishes it on ${m.to} instead.`)
    }
    ctx.signal.throwIfAborted()

    const existing = await apps.get(srv.serverId, target)
    const wasRunning = existing !== undefined && existing.state !== 'stopped' && existing.state !== 'not-created'
    if (wasRunning) {
      ctx.step(`Stopping ${target}`)
      await apps.stop(srv.serverId, target)
    }
    if (staging) {
      ctx.step(picked ? `Putting ${picked.join(', ')} back into ${target}` : `Replacing the contents of ${target}'s volumes and folders`)
      for (const d of destinations) if (d.to.type === 'volume') await ensureVolume(srv, target, d.to.source)
      const replacements: Replacement[] = picked
        ? picked.map((p) => {
            const root = rootOf(snap, roots, p)
            return { from: p, to: destinations.find((d) => d.root === root)!.to, subPath: p.slice(root.length) }
          })
        : destinations.map((d) => ({ from: d.root, to: d.to }))
      await replaceForBinds(srv, session, replacements.map((r) => r.to))
      await replaceContents(srv.docker, srv.image, staging, replacements, target)
    }

    if (req.as) {
      ctx.step(`Installing the clone ${target}`)
      installing = true
      await apps.install(srv.serverId, target, compose!, env)
    } else if (existing && existing.state !== 'not-created') {
      if (wasRunning || existing.state === 'stopped') {
        ctx.step(`Starting ${target}`)
        await apps.start(srv.serverId, target)
      }
    } else {
      ctx.step(`Creating ${target}'s containers again`)
      await apps.recreate(srv.serverId, target)
    }
    ctx.step(`Waiting for ${target} to run`)
    const health = await waitUntilRunning(apps, srv.serverId, target, ctx.signal)
    return { app: req.app, snapshotId: snap.id, target, volumes: destinations.filter((d) => d.to.type === 'volume').map((d) => d.to.source), binds: destinations.filter((d) => d.to.type === 'bind').map((d) => d.to.source), ...(picked?.length === 1 ? { path: picked[0] } : picked ? { paths: picked } : {}), ...(req.as ? { ports: moved } : {}), files: stats.files, bytes: stats.bytes, health }
  } catch (err) {
    if (direct && !installing) await removeDestinations(srv, session, appsDirOf(req.as!), destinations.map((d) => d.to))
    throw err
  } finally {
    await staging?.remove()
  }
}

/** Like Promise.all, but rejects only once every call has ended, so nothing still runs on what a failure cleans up. */
async function allSettledFirst<T extends readonly unknown[]>(calls: readonly [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const settled = await Promise.allSettled(calls)
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T
}

type Destination = { type: 'volume' | 'bind'; source: string }

/** True when none of a clone's volumes, nor its app folder, exist yet. */
async function nothingThere(srv: BackupServer, session: SshSession, cloneDir: string, to: Destination[]): Promise<boolean> {
  for (const d of to) {
    if (d.type !== 'volume') continue
    const found = await srv.docker.getVolume(d.source).inspect().then(() => true, () => false)
    if (found) return false
  }
  return (await session.exec(['test', '-e', cloneDir])).code !== 0
}

async function createDestinations(srv: BackupServer, session: SshSession, app: string, to: Destination[]): Promise<void> {
  for (const d of to) if (d.type === 'volume') await ensureVolume(srv, app, d.source)
  await replaceForBinds(srv, session, to)
}

async function removeDestinations(srv: BackupServer, session: SshSession, cloneDir: string, to: Destination[]): Promise<void> {
  await Promise.all(to.filter((d) => d.type === 'volume').map((d) => srv.docker.getVolume(d.source).remove({ force: true }).catch(() => {})))
  await session.exec(['rm', '-rf', '--', cloneDir]).catch(() => {})
}

/** A volume the restore needs, created as Compose would (its labels), so the app's next start adopts it. */
async function ensureVolume(srv: BackupServer, app: string, name: string): Promise<void> {
  try {
    await srv.docker.getVolume(name).inspect()
  } catch {
    const key = name.startsWith(`${app}_`) ? name.slice(app.length + 1) : name
    await srv.docker.createVolume({ Name: name, Labels: { [LABEL.project]: app, [LABEL.volume]: key, [LABEL.version]: '2.29.0' } })
  }
}

/** Bind destinations must exist before Docker mounts them. */
async function replaceForBinds(srv: BackupServer, session: SshSession, to: Destination[]): Promise<void> {
  const dirs = to.filter((d) => d.type === 'bind').map((d) => d.source)
  if (!dirs.length) return
  const res = await session.exec(['mkdir', '-p', '--', ...dirs])
  if (res.code !== 0) throw new HomeportError('PERMISSION_DENIED', `Could not create ${dirs.join(', ')} on ${srv.server}.`, { details: res.stderr })
}
