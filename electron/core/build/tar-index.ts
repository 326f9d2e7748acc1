// Where each entry of a tar file lies, so that a tar with some entries left out can be written by copying
// byte ranges of the original (headers and data as they were) rather than unpacking and packing again.
// Knows ustar names with their prefix, PAX `path` records and GNU long names (each belongs to the entry
// that follows it, and goes or stays with it).

import type { FileHandle } from 'node:fs/promises'

export interface TarEntry {
  /** The path in the archive, without a leading `./`. */
  name: string
  /** The typeflag: `0` (or empty) a file, `5` a folder, `2` a symlink, … */
  type: string
  /** Where the entry begins: its first extended header when it has any, else its own header. */
  start: number
  dataStart: number
  size: number
  /** Where the next entry begins (the data padded to 512 bytes). */
  end: number
}

const BLOCK = 512

function text(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length)
  const nul = field.indexOf(0)
  return field.subarray(0, nul === -1 ? length : nul).toString('utf8')
}

/** A numeric field: octal text, or base-256 when the first byte's high bit is set (sizes of 8 GiB and more). */
function number(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length)
  if (field[0]! & 0x80) {
    let value = field[0]! & 0x7f
    for (let i = 1; i < length; i++) value = value * 256 + field[i]!
    return value
  }
  const digits = text(block, offset, length).trim()
  return digits ? parseInt(digits, 8) : 0
}

function paxPath(data: Buffer): string | undefined {
  let rest = data.toString('utf8')
  while (rest.length) {
    const space = rest.indexOf(' ')
    const length = Number(rest.slice(0, space))
    if (space < 1 || !Number.isFinite(length) || length <= 0) return undefined
    const record = rest.slice(space + 1, length - 1)
    if (record.startsWith('path=')) return record.slice('path='.length)
    rest = rest.slice(length)
  }
  return undefined
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length)
  const { bytesRead } = await file.read(buffer, 0, length, position)
  if (bytesRead < length) throw new Error(`The archive ends inside an entry at byte ${position + bytesRead}.`)
  return buffer
}

export async function readTarIndex(file: FileHandle): Promise<TarEntry[]> {
  const entries: TarEntry[] = []
  let position = 0
  let pendingStart: number | undefined
  let pendingName: string | undefined
  for (;;) {
    const header = await readAt(file, position, BLOCK)
    if (header.every((b) => b === 0)) break
    const type = text(header, 156, 1)
    const size = number(header, 124, 12)
    const dataStart = position + BLOCK
    const end = dataStart + Math.ceil(size / BLOCK) * BLOCK
    if (type === 'x' || type === 'L') {
      const data = await readAt(file, dataStart, size)
      pendingName = type === 'L' ? text(data, 0, size) : (paxPath(data) ?? pendingName)
      pendingStart ??= position
    } else {
      const ustar = text(header, 257, 5) === 'ustar'
      const prefix = ustar ? text(header, 345, 155) : ''
      const own = text(header, 0, 100)
      const name = (pendingName ?? (prefix ? `${prefix}/${own}` : own)).replace(/^\.\//, '')
      entries.push({ name, type, start: pendingStart ?? position, dataStart, size, end })
      pendingStart = undefined
      pendingName = undefined
    }
    position = end
  }
  return entries
}

export async function readEntry(file: FileHandle, entry: TarEntry): Promise<Buffer> {
  return readAt(file, entry.dataStart, entry.size)
}
