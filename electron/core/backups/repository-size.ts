// How much a repository holds, from restic's own `stats`: `raw-data` is what its packs take on the target
// (after deduplication and compression), `restore-size` what all its snapshots would take restored. Their
// ratio is what deduplication saves — the figure the Backups page shows beside each repository.

import type { RepositorySizeDto } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import { findRepository, readBackupConfig, type StoredRepository } from './backup-config.js'
import { restic, type BackupServer } from './restic-call.js'

interface ResticStats {
  total_size?: number
  snapshots_count?: number
}

async function stats(srv: BackupServer, repo: StoredRepository, mode: 'raw-data' | 'restore-size'): Promise<ResticStats> {
  const out = await restic(srv, repo, ['stats', '--json', '--mode', mode], { what: 'measure it', role: 'stats' })
  const line = out.stdout.split('\n').find((l) => l.startsWith('{'))
  if (!line) throw new HomeportError('BACKUP_FAILED', `restic printed no figures for repository ${repo.name}.`, { details: `${out.stdout}\n${out.stderr}`.trim() })
  return JSON.parse(line) as ResticStats
}

export async function repositorySize(srv: BackupServer, session: SshSession, name: string): Promise<RepositorySizeDto> {
  const repo = findRepository(await readBackupConfig(session), name, srv.server)
  // One after the other: both take restic's shared lock, and two containers at once only compete for the target.
  const stored = await stats(srv, repo, 'raw-data')
  const restored = await stats(srv, repo, 'restore-size')
  const storedBytes = stored.total_size ?? 0
  const snapshotsBytes = restored.total_size ?? 0
  return {
    repository: name,
    storedBytes,
    snapshotsBytes,
    snapshots: restored.snapshots_count ?? stored.snapshots_count ?? 0,
    dedupRatio: storedBytes > 0 ? Math.round((snapshotsBytes / storedBytes) * 100) / 100 : 1,
  }
}
