// What a backup of an app holds, read from its containers (so a stack started with `docker compose` on the
// server is covered too): its named volumes, the folders and files it bind-mounts, and its compose file
// and `.env`. Each appears inside the restic container under a path that names it, so a snapshot says by
// itself what it came from: /backup/volumes/<volume>, /backup/binds/<host path>, /backup/compose/<file>.

import { posix } from 'node:path'
import { HomeportError } from '../../../shared/errors.js'
import { LABEL } from '../compose/engine/container-spec.js'
import type { SshSession } from '../connection/types.js'
import type { Docker } from '../docker/docker-access.js'
import { projectContainers } from '../docker/project-containers.js'
import type { ResticMount } from './restic-container.js'

export const VOLUMES_ROOT = '/backup/volumes'
export const BINDS_ROOT = '/backup/binds'
export const COMPOSE_ROOT = '/backup/compose'

/** Host paths that are the system's, not the app's data (the Docker socket, devices…). */
const SYSTEM_PATHS = ['/proc', '/sys', '/dev', '/run', '/var/run', '/etc/localtime', '/etc/timezone']

export interface AppSources {
  app: string
  volumes: string[]
  binds: string[]
  /** Absolute paths on the server: the compose file(s) and `.env` beside them. */
  composeFiles: string[]
  workingDir?: string
}

function isSystemPath(path: string): boolean {
  return path === '/' || SYSTEM_PATHS.some((p) => path === p || path.startsWith(`${p}/`))
}

export async function appSources(docker: Docker, session: SshSession, server: string, app: string): Promise<AppSources> {
  const containers = await projectContainers(docker, app)
  if (!containers.length) throw new HomeportError('NOT_FOUND', `There is no app "${app}" with containers on ${server}.`, { hint: 'The Apps page lists the installed apps.', cliHint: 'See the installed apps with `homeport apps list SERVER`.' })
  const volumes = new Set<string>()
  const binds = new Set<string>()
  for (const c of containers) {
    for (const m of c.Mounts ?? []) {
      if (m.Type === 'volume' && m.Name) volumes.add(m.Name)
      else if (m.Type === 'bind' && m.Source && !isSystemPath(m.Source)) binds.add(m.Source)
    }
  }
  const labels = containers[0].Labels ?? {}
  const workingDir = labels[LABEL.workingDir]
  const configFiles = (labels[LABEL.configFiles] ?? '').split(',').filter((f) => f.startsWith('/'))
  const candidates = [...configFiles, ...(workingDir ? [posix.join(workingDir, '.env')] : [])]
  // Only the ones that exist: Docker refuses to bind a missing file.
  const found = candidates.length ? await session.exec(['sh', '-c', 'for f in "$@"; do [ -f "$f" ] && printf "%s\\n" "$f"; done; true', 'sh', ...candidates]) : { stdout: '' }
  return { app, volumes: [...volumes].sort(), binds: [...binds].sort(), composeFiles: found.stdout.split('\n').filter(Boolean), ...(workingDir ? { workingDir } : {}) }
}

export function volumePath(volume: string): string {
  return posix.join(VOLUMES_ROOT, volume)
}

export function bindPath(hostPath: string): string {
  return posix.join(BINDS_ROOT, hostPath)
}

/** Mounts for a backup: everything read-only. */
export function backupMounts(s: AppSources): ResticMount[] {
  return [
    ...s.volumes.map((v) => ({ type: 'volume' as const, source: v, target: volumePath(v), readOnly: true })),
    ...s.binds.map((b) => ({ type: 'bind' as const, source: b, target: bindPath(b), readOnly: true })),
    ...s.composeFiles.map((f) => ({ type: 'bind' as const, source: f, target: posix.join(COMPOSE_ROOT, posix.basename(f)), readOnly: true })),
  ]
}

export function backupPaths(s: AppSources): string[] {
  return [...s.volumes.map(volumePath), ...s.binds.map(bindPath), ...(s.composeFiles.length ? [COMPOSE_ROOT] : [])]
}

/** What a snapshot's paths say it holds. */
export function snapshotContents(paths: string[]): { volumes: string[]; binds: string[] } {
  const volumes = paths.filter((p) => p.startsWith(`${VOLUMES_ROOT}/`)).map((p) => p.slice(VOLUMES_ROOT.length + 1))
  const binds = paths.filter((p) => p.startsWith(`${BINDS_ROOT}/`)).map((p) => p.slice(BINDS_ROOT.length))
  return { volumes, binds }
}
