// Snapshots as Homeport shows them: one app's (by the tag every backup carries) or all of a repository's,
// newest first, each saying which volumes and folders it holds.

import type { SnapshotDto } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import { snapshotContents } from './app-sources.js'
import type { StoredRepository } from './backup-config.js'
import { restic, type BackupServer } from './restic-call.js'

export const APP_TAG = 'homeport-app'
export const SNAPSHOT_HOST = 'homeport'

interface ResticSnapshot {
  id: string
  short_id: string
  time: string
  paths: string[]
  tags?: string[]
}

function toDto(s: ResticSnapshot, repository: string): SnapshotDto | undefined {
  const tag = (s.tags ?? []).find((t) => t.startsWith(`${APP_TAG}=`))
  if (!tag) return undefined
  return { id: s.id, shortId: s.short_id, time: s.time, app: tag.slice(APP_TAG.length + 1), repository, ...snapshotContents(s.paths) }
}

export async function listSnapshots(srv: BackupServer, repo: StoredRepository, app?: string): Promise<SnapshotDto[]> {
  const filter = app ? ['--tag', `${APP_TAG}=${app}`] : []
  const out = await restic(srv, repo, ['snapshots', '--json', ...filter], { what: 'list its snapshots', role: 'snapshots' })
  const line = out.stdout.split('\n').find((l) => l.startsWith('['))
  const all = line ? (JSON.parse(line) as ResticSnapshot[]) : []
  return all
    .map((s) => toDto(s, repo.name))
    .filter((s): s is SnapshotDto => Boolean(s))
    .sort((a, b) => b.time.localeCompare(a.time))
}

/** One of an app's snapshots by id (a prefix of 8 or more hex digits) or `latest`. */
export async function findSnapshot(srv: BackupServer, repo: StoredRepository, app: string, ref: string): Promise<SnapshotDto> {
  const all = await listSnapshots(srv, repo, app)
  const found = ref === 'latest' ? all[0] : all.find((s) => s.id.startsWith(ref))
  if (!found) {
    throw new HomeportError('NOT_FOUND', ref === 'latest' ? `Repository ${repo.name} holds no snapshot of "${app}".` : `Repository ${repo.name} holds no snapshot ${ref} of "${app}".`, {
      hint: "The app's snapshots are listed on the Backups page.",
      cliHint: 'List them with `homeport backups snapshots SERVER APP`.',
    })
  }
  return found
}

/** Files and bytes under `paths` in a snapshot, from its own listing. */
export async function snapshotSize(srv: BackupServer, repo: StoredRepository, snapshotId: string, paths: string[]): Promise<{ files: number; bytes: number }> {
  const out = await restic(srv, repo, ['ls', '--json', '--recursive', snapshotId, ...paths], { what: 'list the snapshot', role: 'ls' })
  let files = 0
  let bytes = 0
  for (const line of out.stdout.split('\n')) {
    if (!line.startsWith('{')) continue
    const node = JSON.parse(line) as { struct_type?: string; type?: string; size?: number }
    if (node.struct_type === 'node' && node.type === 'file') {
      files++
      bytes += node.size ?? 0
    }
  }
  return { files, bytes }
}
