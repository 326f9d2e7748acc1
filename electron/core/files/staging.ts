// Staging folders: private folders on the computer running the core that a browser tab writes dropped files
// into (then uploads from) or downloads into (then reads back), since a tab cannot name local files. Each
// lives under the system's temporary folder with mode 0700, is known only by its random id, and every name
// inside one is checked so no path can leave it.

import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StageDto } from '../../../shared/contract/files.js'
import { HomeportError } from '../../../shared/errors.js'

function unknownStage(): HomeportError {
  return new HomeportError('NOT_FOUND', 'That transfer folder is gone (it was finished or cancelled).', { hint: 'Start the upload or download again.' })
}

export class Staging {
  private readonly dirs = new Map<string, string>()

  async create(): Promise<StageDto> {
    const stageId = randomBytes(18).toString('base64url')
    const path = await mkdtemp(join(tmpdir(), 'homeport-stage-'))
    this.dirs.set(stageId, path)
    return { stageId, path }
  }

  private pathOf(stageId: string, name: string): string {
    const dir = this.dirs.get(stageId)
    if (!dir) throw unknownStage()
    // The contract already refuses `.`, `..` and empty parts; this keeps the rule where the files are.
    if (name.split('/').some((part) => part === '' || part === '.' || part === '..')) throw new HomeportError('INVALID_INPUT', `${name} is not a name inside a transfer folder.`)
    return join(dir, ...name.split('/'))
  }

  async write(stageId: string, name: string, offset: number, base64: string): Promise<{ size: number }> {
    const path = this.pathOf(stageId, name)
    const data = Buffer.from(base64, 'base64')
    if (offset === 0) await mkdir(join(path, '..'), { recursive: true })
    const handle = await open(path, offset === 0 ? 'w' : 'r+').catch((err: unknown) => {
      throw new HomeportError('NOT_FOUND', `${name} was not started in this transfer folder.`, { hint: 'Write its first chunk (offset 0) first.', details: String(err) })
    })
    try {
      const { size } = await handle.stat()
      if (offset > size) throw new HomeportError('INVALID_INPUT', `A chunk of ${name} starts at byte ${offset}, past its end (${size}).`, { hint: 'Send the chunks in order.' })
      await handle.write(data, 0, data.length, offset)
      return { size: Math.max(size, offset + data.length) }
    } finally {
      await handle.close()
    }
  }

  async read(stageId: string, name: string, offset: number, length: number): Promise<{ data: string; size: number }> {
    const path = this.pathOf(stageId, name)
    const info = await stat(path).catch(() => undefined)
    if (!info) throw new HomeportError('NOT_FOUND', `${name} is not in this transfer folder.`, { hint: 'Download it again.' })
    if (!info.isFile()) throw new HomeportError('INVALID_INPUT', `${name} is a folder; a browser receives files one at a time.`, { hint: 'Select the files inside it, or use the desktop app to download whole folders.' })
    const handle = await open(path, 'r')
    try {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, info.size - offset)))
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset)
      return { data: buffer.subarray(0, bytesRead).toString('base64'), size: info.size }
    } finally {
      await handle.close()
    }
  }

  async discard(stageId: string): Promise<void> {
    const dir = this.dirs.get(stageId)
    if (!dir) return
    this.dirs.delete(stageId)
    await rm(dir, { recursive: true, force: true })
  }

  /** Removes every folder still staged (the core is closing). */
  async discardAll(): Promise<void> {
    await Promise.all([...this.dirs.keys()].map((id) => this.discard(id)))
  }
}
