// A folder's entries: from one command on the server where it can (list-by-find.ts), otherwise in one SFTP
// listing: OpenSSH's server sends them about a hundred per answer with their attributes (lstat, so symlinks
// are never followed) and an `ls -l` line; only symlinks cost one more request each, all sent at once.

import type { FileEntryDto, FileListDto } from '../../../shared/contract/index.js'
import { fileType, joinPath, toEntry } from './file-entry.js'
import type { HostTarget } from './host-target.js'
import { listByFind } from './list-by-find.js'

export async function listFolder(target: HostTarget, path: string): Promise<FileListDto> {
  const found = await listByFind(target, path)
  return { path, entries: found ?? (await listOverSftp(target, path)) }
}

async function listOverSftp(target: HostTarget, path: string): Promise<FileEntryDto[]> {
  const fs = await target.fs()
  const found = await fs.readdir(path)
  for (const f of found) target.names.learn(f.attrs, f.longname)
  const entries = await Promise.all(
    found.map(async (f): Promise<FileEntryDto> => {
      const full = joinPath(path, f.filename)
      if (fileType(f.attrs.mode) !== 'symlink') return toEntry(full, f.attrs, target.names)
      const link = await fs.readlink(full).catch(() => undefined)
      return toEntry(full, f.attrs, target.names, link)
    }),
  )
  return entries
}

export async function statEntry(target: HostTarget, path: string): Promise<FileEntryDto> {
  const fs = await target.fs()
  const attrs = await fs.lstat(path)
  const link = fileType(attrs.mode) === 'symlink' ? await fs.readlink(path).catch(() => undefined) : undefined
  return toEntry(path, attrs, target.names, link)
}
