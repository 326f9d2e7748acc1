// Text files for the editor: read with the version they were opened at, written back only if the file is
// still that version. A write goes to a temporary name and is renamed over the old file, which keeps its
// mode; when the SSH user may not take over the file's ownership, the file is rewritten in place instead.

import type { FileVersionDto, TextFileDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { tempSibling } from '../connection/sftp.js'
import { fileType } from './file-entry.js'
import { fileChanged, sameStamp, sha256Of } from './file-version.js'
import type { HostTarget } from './host-target.js'
import type { RemoteFs } from './remote-fs.js'
import { readWhole, writeWhole } from './whole-file.js'

export function decodeText(data: Buffer, path: string, server: string): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(data)
  if (data.includes(0) || text.includes('\uFFFD')) {
    throw new HomeportError('NOT_TEXT', `${path} on ${server} is not UTF-8 text.`)
  }
  return text
}

export function tooLarge(path: string, server: string, size: number, maxBytes: number): HomeportError {
  return new HomeportError('NOT_TEXT', `${path} on ${server} is ${size} bytes, more than the editor opens (${maxBytes}).`)
}

export async function readText(target: HostTarget, path: string, maxBytes: number): Promise<TextFileDto> {
  const fs = await target.fs()
  const attrs = await fs.stat(path)
  if (fileType(attrs.mode) !== 'file') throw new HomeportError('NOT_TEXT', `${path} on ${target.server} is not a file.`)
  if (attrs.size > maxBytes) throw tooLarge(path, target.server, attrs.size, maxBytes)
  const { data, attrs: opened } = await readWhole(fs, path, maxBytes)
  const content = decodeText(data, path, target.server)
  return { path, content, mode: opened.mode & 0o7777, version: { size: data.length, mtimeMs: opened.mtime * 1000, sha256: sha256Of(data) } }
}

async function currentVersion(fs: RemoteFs, path: string, withHash: boolean): Promise<FileVersionDto | null> {
  const attrs = await fs.exists(path)
  if (!attrs) return null
  const version: FileVersionDto = { size: attrs.size, mtimeMs: attrs.mtime * 1000 }
  if (withHash && fileType(attrs.mode) === 'file') version.sha256 = sha256Of((await readWhole(fs, path, attrs.size + 1)).data)
  return version
}

export async function writeText(target: HostTarget, path: string, content: string, expected: FileVersionDto | null, mode?: number): Promise<FileVersionDto> {
  const fs = await target.fs()
  const before = await fs.exists(path)
  const current = await currentVersion(fs, path, false)
  if (expected === null ? current !== null : current === null || !sameStamp(expected, current)) {
    throw fileChanged(path, target.server, expected, await currentVersion(fs, path, true))
  }
  if (expected?.sha256) {
    const hashed = await currentVersion(fs, path, true)
    if (hashed?.sha256 !== expected.sha256) throw fileChanged(path, target.server, expected, hashed)
  }
  const data = Buffer.from(content, 'utf8')
  // Replacing a file needs no write permission on it, only on its folder: ask the file itself first.
  if (before) await fs.close(await fs.open(path, 'r+'), path)
  const keepMode = mode ?? (before ? before.mode & 0o7777 : 0o644)
  const temp = tempSibling(path, `edit-${process.pid}-${Date.now().toString(36)}`)
  const written = await writeWhole(fs, temp, data, keepMode, before ? { uid: before.uid, gid: before.gid } : undefined, false, path)
  if (written === 'owner-kept') {
    await fs.rename(temp, path, true)
  } else {
    await fs.unlink(temp).catch(() => {})
    await writeWhole(fs, path, data, keepMode, undefined, true)
  }
  const after = await fs.lstat(path)
  return { size: after.size, mtimeMs: after.mtime * 1000, sha256: sha256Of(data) }
}
