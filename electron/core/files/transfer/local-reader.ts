// Reads a local file for an upload in blocks of 1 MiB, one block ahead of the requests that slice it, so the
// disk is asked a quarter as often as there are write requests (measured: ~15% of the upload rate).

import type { FileHandle } from 'node:fs/promises'
import { HomeportError } from '../../../../shared/errors.js'
import { localError } from './local-errors.js'

const BLOCK = 1024 * 1024

export class LocalReader {
  private readonly blocks = new Map<number, Promise<Buffer>>()

  constructor(
    private readonly file: FileHandle,
    private readonly path: string,
    private readonly size: number,
  ) {}

  private block(index: number): Promise<Buffer> {
    let found = this.blocks.get(index)
    if (!found) {
      const start = index * BLOCK
      const len = Math.min(BLOCK, this.size - start)
      found = this.file.read(Buffer.allocUnsafe(len), 0, len, start).then(
        ({ bytesRead, buffer }) => {
          if (bytesRead !== len) throw new HomeportError('FILE_CHANGED', `${this.path} changed on this computer while it was being sent.`, { hint: 'Send it again once nothing writes to it.' })
          return buffer
        },
        (err: unknown) => {
          throw localError(err, this.path, 'read')
        },
      )
      this.blocks.set(index, found)
    }
    return found
  }

  /** Bytes [pos, pos + len); requests come in order and never span more than two blocks. */
  async slice(pos: number, len: number): Promise<Buffer> {
    const first = Math.floor(pos / BLOCK)
    const last = Math.floor((pos + len - 1) / BLOCK)
    for (const old of this.blocks.keys()) if (old < first) this.blocks.delete(old)
    if ((last + 1) * BLOCK < this.size) void this.block(last + 1).catch(() => {})
    if (first === last) return (await this.block(first)).subarray(pos - first * BLOCK, pos - first * BLOCK + len)
    const [a, b] = await Promise.all([this.block(first), this.block(last)])
    return Buffer.concat([a.subarray(pos - first * BLOCK), b.subarray(0, pos + len - last * BLOCK)])
  }
}
