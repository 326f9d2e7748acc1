// Archives Docker unpacks into a volume: a header per entry (a PAX record first for names or values plain
// tar cannot hold: long or non-ASCII names), the data padded to 512 bytes, and two empty blocks at the end.

import { Readable } from 'node:stream'
import { Header, Pax, type HeaderData } from 'tar'

export type EntryHead = Pick<HeaderData, 'path' | 'mode' | 'uid' | 'gid' | 'size' | 'mtime' | 'linkpath'> & { type: 'File' | 'Directory' | 'SymbolicLink' }

export function headerBlocks(head: EntryHead): Buffer {
  const header = new Header({ ...head, size: head.type === 'File' ? head.size : 0 })
  const block = Buffer.alloc(512)
  header.encode(block, 0)
  if (!header.needPax) return block
  const pax = new Pax({ path: head.path, linkpath: head.linkpath, mtime: head.mtime }).encode()
  return Buffer.concat([pax, block])
}

export function padding(size: number): Buffer {
  return Buffer.alloc((512 - (size % 512)) % 512)
}

export const END_OF_ARCHIVE = Buffer.alloc(1024)

export function oneFileArchive(name: string, data: Buffer, attrs: { mode: number; uid: number; gid: number }): Readable {
  const head = headerBlocks({ path: name, type: 'File', size: data.length, mode: attrs.mode, uid: attrs.uid, gid: attrs.gid, mtime: new Date() })
  return Readable.from([Buffer.concat([head, data, padding(data.length), END_OF_ARCHIVE])])
}
