// Browse and edit inside a named volume through the archive API of a helper container: a folder is listed
// from the headers of its archive (data skipped), a file is read from its own one-entry archive and written
// back as one, with the same change check as on the server's filesystem.

import type { Readable } from 'node:stream'
import type { FileEntryDto, FileListDto, FileVersionDto, TextFileDto } from '../../../../shared/contract/files.js'
import { HomeportError } from '../../../../shared/errors.js'
import { fileChanged, sameStamp, sha256Of } from '../file-version.js'
import { decodeText, tooLarge } from '../text-file.js'
import { entryData, readEntries, type TarInfo } from './tar-entries.js'
import { oneFileArchive } from './tar-write.js'
import { isMissing, withHelper, type Container, type VolumeTarget } from './volume-helper.js'
import { inHelper, shown, volumePath } from './volume-path.js'

/** Listing a folder streams everything under it; past this much, the entries seen so far are returned. */
const LIST_LIMIT = 256 * 1024 * 1024

export async function archiveOf(t: VolumeTarget, c: Container, path: string): Promise<Readable> {
  try {
    return (await c.getArchive({ path: inHelper(path) })) as unknown as Readable
  } catch (err) {
    if (isMissing(err)) throw new HomeportError('NOT_FOUND', `There is no ${shown(t.volume, path)} on ${t.server}.`, { hint: 'Refresh the folder and check the name.' })
    throw err
  }
}

function toEntry(info: TarInfo, path: string): FileEntryDto {
  return {
    name: path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1),
    path,
    type: info.type,
    size: info.type === 'file' ? info.size : 0,
    mode: info.mode,
    uid: info.uid,
    gid: info.gid,
    owner: info.uname || String(info.uid),
    group: info.gname || String(info.gid),
    mtimeMs: info.mtimeMs,
    ...(info.linkpath !== undefined ? { target: info.linkpath } : {}),
  }
}

/** The entry itself: the first header of its archive (the stream stops there). */
export async function statIn(t: VolumeTarget, c: Container, path: string): Promise<FileEntryDto> {
  let found: FileEntryDto | undefined
  await readEntries(await archiveOf(t, c, path), (info) => {
    found = toEntry(info, volumePath(path))
    return 'stop'
  })
  if (!found) throw new HomeportError('NOT_FOUND', `There is no ${shown(t.volume, path)} on ${t.server}.`)
  return found
}

export function statVolume(t: VolumeTarget, path: string): Promise<FileEntryDto> {
  return withHelper(t, { write: false }, (c) => statIn(t, c, path))
}

export function listVolume(t: VolumeTarget, path: string): Promise<FileListDto> {
  const dir = volumePath(path)
  return withHelper(t, { write: false }, async (c) => {
    const archive = await archiveOf(t, c, dir)
    let streamed = 0
    let partial = false
    archive.on('data', (chunk: Buffer) => (streamed += chunk.length))
    const entries: FileEntryDto[] = []
    let top: string | undefined
    await readEntries(archive, (info) => {
      if (top === undefined) {
        if (info.type !== 'dir') throw new HomeportError('INVALID_INPUT', `${shown(t.volume, dir)} on ${t.server} is not a folder.`)
        top = info.path
      } else if (info.path.startsWith(`${top}/`) && !info.path.slice(top.length + 1).includes('/')) {
        const name = info.path.slice(top.length + 1)
        entries.push(toEntry(info, dir === '/' ? `/${name}` : `${dir}/${name}`))
      }
      if (streamed <= LIST_LIMIT) return 'next'
      partial = true
      return 'stop'
    })
    return { path: dir, entries, ...(partial ? { partial } : {}) }
  })
}

export async function readIn(t: VolumeTarget, c: Container, path: string, maxBytes: number): Promise<{ info: TarInfo; data: Buffer }> {
  let got: { info: TarInfo; data: Buffer } | undefined
  await readEntries(await archiveOf(t, c, path), async (info, entry): Promise<'stop'> => {
    if (info.type !== 'file') throw new HomeportError('NOT_TEXT', `${shown(t.volume, path)} on ${t.server} is not a file.`)
    if (info.size > maxBytes) throw tooLarge(shown(t.volume, path), t.server, info.size, maxBytes)
    got = { info, data: await entryData(entry) }
    return 'stop'
  })
  if (!got) throw new HomeportError('NOT_FOUND', `There is no ${shown(t.volume, path)} on ${t.server}.`)
  return got
}

export function readVolumeText(t: VolumeTarget, path: string, maxBytes: number): Promise<TextFileDto> {
  return withHelper(t, { write: false }, async (c) => {
    const { info, data } = await readIn(t, c, path, maxBytes)
    const content = decodeText(data, shown(t.volume, path), t.server)
    return { path: volumePath(path), content, mode: info.mode, version: { size: data.length, mtimeMs: info.mtimeMs, sha256: sha256Of(data) } }
  })
}

export function writeVolumeText(t: VolumeTarget, path: string, content: string, expected: FileVersionDto | null, mode?: number): Promise<FileVersionDto> {
  const p = volumePath(path)
  if (p === '/') throw new HomeportError('INVALID_INPUT', 'A volume\'s root is a folder, not a file.')
  return withHelper(t, { write: true }, async (c) => {
    const now = await readIn(t, c, p, 64 * 1024 * 1024).catch((err: unknown) => {
      if (err instanceof HomeportError && err.code === 'NOT_FOUND') return undefined
      throw err
    })
    const current: FileVersionDto | null = now ? { size: now.data.length, mtimeMs: now.info.mtimeMs, sha256: sha256Of(now.data) } : null
    const unchanged = expected === null ? current === null : current !== null && sameStamp(expected, current) && (!expected.sha256 || expected.sha256 === current.sha256)
    if (!unchanged) throw fileChanged(shown(t.volume, p), t.server, expected, current)
    const data = Buffer.from(content, 'utf8')
    const parent = p.slice(0, p.lastIndexOf('/')) || '/'
    const archive = oneFileArchive(p.slice(p.lastIndexOf('/') + 1), data, {
      mode: mode ?? now?.info.mode ?? 0o644,
      uid: now?.info.uid ?? 0,
      gid: now?.info.gid ?? 0,
    })
    await c.putArchive(archive, { path: inHelper(parent) })
    const after = await statIn(t, c, p)
    return { size: after.size, mtimeMs: after.mtimeMs, sha256: sha256Of(data) }
  })
}
