// What changed between two of an app's snapshots: restic's `diff --json` (restic 0.12 and later print one
// JSON object a line: a `change` per path, then the `statistics`). Both snapshots are looked up among the
// app's own first, so a mistyped id or another app's snapshot is refused by name rather than by restic.

import type { SnapshotChangeDto, SnapshotDiffDto } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import { policyFor } from './backup-run.js'
import { findRepository, readBackupConfig } from './backup-config.js'
import { restic, type BackupServer } from './restic-call.js'
import { findSnapshot } from './snapshots.js'

export interface DiffRequest {
  app: string
  from: string
  to: string
  repository?: string
}

/** restic's modifier letters: `+` added, `-` removed, `M` content, `T` type, `U` metadata only. */
const CHANGES: Record<string, SnapshotChangeDto['change']> = { '+': 'added', '-': 'removed', M: 'modified', T: 'type', U: 'metadata' }

interface Counts {
  files?: number
  dirs?: number
  bytes?: number
}

const counts = (c: Counts | undefined) => ({ files: c?.files ?? 0, dirs: c?.dirs ?? 0, bytes: c?.bytes ?? 0 })

/** Parses `restic diff --json`; a modifier may combine letters (`M` with `U`): content wins over metadata. */
export function parseDiff(stdout: string): Pick<SnapshotDiffDto, 'changes' | 'added' | 'removed' | 'changedFiles'> {
  const changes: SnapshotChangeDto[] = []
  let stats: { changed_files?: number; added?: Counts; removed?: Counts } = {}
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue
    const msg = JSON.parse(line) as { message_type?: string; path?: string; modifier?: string }
    if (msg.message_type === 'change' && msg.path) {
      const letter = ['+', '-', 'T', 'M', 'U'].find((l) => msg.modifier?.includes(l))
      changes.push({ path: msg.path, change: CHANGES[letter ?? 'M'] })
    } else if (msg.message_type === 'statistics') {
      stats = msg as typeof stats
    }
  }
  return { changes, added: counts(stats.added), removed: counts(stats.removed), changedFiles: stats.changed_files ?? 0 }
}

export async function diffSnapshots(srv: BackupServer, session: SshSession, req: DiffRequest): Promise<SnapshotDiffDto> {
  const config = await readBackupConfig(session)
  const repo = findRepository(config, req.repository ?? policyFor(config.policies, req.app, srv.server).repository, srv.server)
  const [from, to] = await Promise.all([findSnapshot(srv, repo, req.app, req.from), findSnapshot(srv, repo, req.app, req.to)])
  if (from.id === to.id) {
    throw new HomeportError('INVALID_INPUT', `${req.from} and ${req.to} are the same snapshot (${from.shortId}) of "${req.app}".`, {
      hint: 'Choose two different snapshots to compare.',
      cliHint: 'Give two different snapshot ids (`homeport backups snapshots SERVER APP` lists them).',
    })
  }
  const out = await restic(srv, repo, ['diff', '--json', from.id, to.id], { what: `compare snapshots ${from.shortId} and ${to.shortId} of ${req.app}`, role: 'diff' })
  return { app: req.app, repository: repo.name, from: from.id, to: to.id, ...parseDiff(out.stdout) }
}
