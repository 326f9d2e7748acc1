// mkdir -p over SFTP: find the deepest folder that exists, then create the rest downwards. A folder made by
// someone else in between is fine; a file where a folder should be is a clash.

import type { FileEntryDto } from '../../../shared/contract/index.js'
import { fileType, parentOf } from './file-entry.js'
import { nameClash } from './file-errors.js'
import type { HostTarget } from './host-target.js'
import { statEntry } from './list-folder.js'
import type { RemoteFs } from './remote-fs.js'

async function isFolder(fs: RemoteFs, path: string, server: string): Promise<boolean> {
  const found = await fs.exists(path)
  if (!found) return false
  if (fileType(found.mode) === 'dir') return true
  // A symlink to a folder serves as one.
  const followed = await fs.stat(path).catch(() => undefined)
  if (followed && fileType(followed.mode) === 'dir') return true
  throw nameClash(path, server, 'A file')
}

export async function ensureFolder(fs: RemoteFs, path: string): Promise<void> {
  const missing: string[] = []
  for (let p = path; !(await isFolder(fs, p, fs.server)); p = parentOf(p)) {
    missing.unshift(p)
    if (parentOf(p) === p) break
  }
  for (const dir of missing) {
    try {
      await fs.mkdir(dir)
    } catch (err) {
      if (!(await isFolder(fs, dir, fs.server))) throw err
    }
  }
}

export async function makeFolder(target: HostTarget, path: string): Promise<FileEntryDto> {
  await ensureFolder(await target.fs(), path)
  return statEntry(target, path)
}
