// A whole (small) file read or written over SFTP with its requests sent together rather than one by one.
// Writes name the file the person knows in errors, even when the bytes go to a temporary name; a write the
// server refuses is checked against the free space, since OpenSSH reports a full disk as a plain failure.

import type { Stats } from 'ssh2'
import type { HomeportError } from '../../../shared/errors.js'
import { SFTP_STATUS, sftpRequest, sftpStatus } from '../connection/sftp.js'
import { parentOf } from './file-entry.js'
import { diskFull, fileError } from './file-errors.js'
import type { RemoteFs } from './remote-fs.js'

const CHUNK = 255 * 1024

export async function readWhole(fs: RemoteFs, path: string, maxBytes: number): Promise<{ data: Buffer; attrs: Stats }> {
  const handle = await fs.open(path, 'r')
  try {
    const attrs = await fs.fstat(handle, path)
    const size = Math.min(attrs.size, maxBytes)
    const data = Buffer.alloc(size)
    const reads: Promise<number>[] = []
    for (let pos = 0; pos < size; pos += CHUNK) {
      const len = Math.min(CHUNK, size - pos)
      reads.push(sftpRequest<number>(fs.sftp, (cb) => fs.sftp.read(handle, data, pos, len, pos, (err, n) => cb(err, n))).catch((err: unknown) => {
        throw fileError(err, path, fs.server, 'read')
      }))
    }
    const counts = await Promise.all(reads)
    const got = counts.reduce((a, b) => a + b, 0)
    return { data: got === size ? data : data.subarray(0, got), attrs }
  } finally {
    await fs.close(handle, path).catch(() => {})
  }
}

/** A failed write of `path`: DISK_FULL when its filesystem has less room than was still to be written. */
export async function writeError(fs: RemoteFs, err: unknown, path: string, bytesLeft: number): Promise<HomeportError> {
  if (sftpStatus(err) === SFTP_STATUS.FAILURE) {
    const free = await fs.freeBytes(parentOf(path))
    if (free !== undefined && free < Math.max(bytesLeft, 1)) return diskFull(path, fs.server, free, err instanceof Error ? err.message : String(err))
  }
  return fileError(err, path, fs.server, 'write')
}

/**
 * Writes `data` to `path` (created or truncated) with `mode`, and the owner given when it differs from the
 * SSH user's. 'owner-lost' means the server refused that owner: the file is written but not theirs.
 * `shownAs` is the path errors name. On failure nothing is left at `path` unless `inPlace`.
 */
export async function writeWhole(fs: RemoteFs, path: string, data: Buffer, mode: number, owner?: { uid: number; gid: number }, inPlace = false, shownAs = path): Promise<'owner-kept' | 'owner-lost'> {
  let handle: Buffer
  try {
    handle = await sftpRequest<Buffer>(fs.sftp, (cb) => fs.sftp.open(path, 'w', { mode: inPlace ? mode : 0o600 }, cb))
  } catch (err) {
    throw await writeError(fs, err, shownAs, data.length)
  }
  try {
    const writes: Promise<void>[] = []
    for (let pos = 0; pos < data.length; pos += CHUNK) {
      const len = Math.min(CHUNK, data.length - pos)
      writes.push(sftpRequest<void>(fs.sftp, (cb) => fs.sftp.write(handle, data, pos, len, pos, (err) => cb(err))))
    }
    await Promise.all(writes).catch(async (err: unknown) => {
      throw await writeError(fs, err, shownAs, data.length)
    })
    await fs.fsetstat(handle, { mode }, shownAs)
    let kept: 'owner-kept' | 'owner-lost' = 'owner-kept'
    if (owner) {
      const mine = await fs.fstat(handle, shownAs)
      if (mine.uid !== owner.uid || mine.gid !== owner.gid) {
        kept = await sftpRequest<void>(fs.sftp, (cb) => fs.sftp.fsetstat(handle, { uid: owner.uid, gid: owner.gid }, (err) => cb(err))).then(
          () => 'owner-kept' as const,
          () => 'owner-lost' as const,
        )
      }
    }
    await fs.close(handle, shownAs)
    return kept
  } catch (err) {
    await fs.close(handle, shownAs).catch(() => {})
    if (!inPlace) await fs.unlink(path).catch(() => {})
    throw err
  }
}
