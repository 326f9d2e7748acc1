// The entries of an archive Docker streams out of a container (tar, PAX names), read one by one. The caller
// decides after each header whether to read the data, skip it, or stop the stream there.

import type { Readable } from 'node:stream'
import { Parser, type ReadEntry } from 'tar'
import type { FileType } from '../../../../shared/contract/files.js'

export interface TarInfo {
  /** As stored: the top entry is the archived path's own name, the rest below it. */
  path: string
  type: FileType
  size: number
  mode: number
  uid: number
  gid: number
  uname?: string
  gname?: string
  mtimeMs: number
  linkpath?: string
}

export type Verdict = 'next' | 'stop'

function typeOf(entry: ReadEntry): FileType {
  switch (entry.type) {
    case 'File':
    case 'OldFile':
    case 'ContiguousFile':
      return 'file'
    case 'Directory':
      return 'dir'
    case 'SymbolicLink':
      return 'symlink'
    default:
      return 'other'
  }
}

/** Calls `onEntry` for each entry in turn; its data is drained unless `onEntry` consumed it. */
export function readEntries(archive: Readable, onEntry: (info: TarInfo, entry: ReadEntry) => Promise<Verdict> | Verdict): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopped = false
    let chain = Promise.resolve()
    const parser = new Parser({
      onReadEntry: (entry) => {
        entry.pause()
        chain = chain.then(async () => {
          if (stopped) return void entry.resume()
          const info: TarInfo = {
            path: entry.path.replace(/\/+$/, ''),
            type: typeOf(entry),
            size: entry.size ?? 0,
            mode: (entry.mode ?? 0) & 0o7777,
            uid: entry.uid ?? 0,
            gid: entry.gid ?? 0,
            ...(entry.uname ? { uname: entry.uname } : {}),
            ...(entry.gname ? { gname: entry.gname } : {}),
            mtimeMs: entry.mtime ? entry.mtime.getTime() : 0,
            ...(entry.linkpath ? { linkpath: entry.linkpath } : {}),
          }
          const verdict = await onEntry(info, entry)
          entry.resume()
          if (verdict === 'stop') {
            stopped = true
            archive.destroy()
            resolve()
          }
        }).catch((err: unknown) => {
          stopped = true
          archive.destroy()
          reject(err)
        })
      },
    })
    parser.on('error', reject)
    archive.on('error', (err) => (stopped ? undefined : reject(err)))
    parser.on('end', () => void chain.then(() => resolve()))
    archive.pipe(parser as unknown as NodeJS.WritableStream)
  })
}

/** The whole data of an entry (the caller checked its size). */
export async function entryData(entry: ReadEntry): Promise<Buffer> {
  const parts: Buffer[] = []
  entry.on('data', (chunk: Buffer) => parts.push(chunk))
  entry.resume()
  await new Promise<void>((resolve, reject) => {
    entry.once('end', () => resolve())
    entry.once('error', reject)
  })
  return Buffer.concat(parts)
}
