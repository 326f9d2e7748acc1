// One folder of a snapshot, from `restic ls --json SNAPSHOT FOLDER` (restic prints the folder itself and
// its direct children): what the snapshot browser shows so a person can pick files and folders to restore.

import { posix } from 'node:path'
import { SNAPSHOT_LISTING_LIMIT, type SnapshotEntryDto, type SnapshotListingDto } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import { readBackupConfig } from './backup-config.js'
import { repositoryFor } from './restore-run.js'
import { restic, type BackupServer } from './restic-call.js'
import { findSnapshot } from './snapshots.js'

interface ResticNode {
  struct_type?: string
  name?: string
  type?: string
  path?: string
  size?: number
  mtime?: string
}

const TYPES: Record<string, SnapshotEntryDto['type']> = { file: 'file', dir: 'dir', symlink: 'symlink' }

export interface ListingRequest {
  app: string
  snapshot: string
  path: string
  repository?: string
}

export async function listSnapshotFolder(srv: BackupServer, session: SshSession, req: ListingRequest): Promise<SnapshotListingDto> {
  const config = await readBackupConfig(session)
  const repo = repositoryFor(config, req, srv.server)
  const snap = await findSnapshot(srv, repo, req.app, req.snapshot)
  const folder = req.path === '/' ? '/' : posix.normalize(req.path).replace(/\/+$/, '')
  const out = await restic(srv, repo, ['ls', '--json', snap.id, folder], { what: `list ${folder} in snapshot ${snap.shortId}`, role: 'ls' })
  const entries: SnapshotEntryDto[] = []
  let itself: ResticNode | undefined
  let truncated = false
  for (const line of out.stdout.split('\n')) {
    if (!line.startsWith('{')) continue
    const node = JSON.parse(line) as ResticNode
    if (node.struct_type !== 'node' || !node.path) continue
    if (node.path === folder) {
      itself = node
      continue
    }
    if (posix.dirname(node.path) !== folder) continue
    if (entries.length >= SNAPSHOT_LISTING_LIMIT) {
      truncated = true
      continue
    }
    entries.push({ path: node.path, name: node.name ?? posix.basename(node.path), type: TYPES[node.type ?? ''] ?? 'other', ...(node.type === 'file' ? { size: node.size ?? 0 } : {}), ...(node.mtime ? { mtime: node.mtime } : {}) })
  }
  if (folder !== '/' && (!itself || itself.type !== 'dir')) {
    throw new HomeportError(itself ? 'INVALID_INPUT' : 'NOT_FOUND', itself ? `${folder} in snapshot ${snap.shortId} is a file, not a folder.` : `Snapshot ${snap.shortId} of "${req.app}" holds no ${folder}.`, {
      hint: 'Open the snapshot from its top and pick a folder it lists.',
      cliHint: `List the snapshot from its top: \`homeport backups ls SERVER ${req.app} ${snap.shortId}\`.`,
    })
  }
  entries.sort((a, b) => (a.type === 'dir') !== (b.type === 'dir') ? (a.type === 'dir' ? -1 : 1) : a.name.localeCompare(b.name))
  return { snapshotId: snap.id, path: folder, entries, truncated }
}
