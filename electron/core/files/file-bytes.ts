// A small file's bytes for a preview in the window (images): the size is checked before anything is read,
// so a preview never pulls a large file through the connection by accident.

import type { FileBytesDto } from '../../../shared/contract/files.js'
import { HomeportError } from '../../../shared/errors.js'
import { fileType } from './file-entry.js'
import { formatBytes as formatSize } from './file-errors.js'
import type { HostTarget } from './host-target.js'
import { readIn } from './volumes/volume-files.js'
import { withHelper, type VolumeTarget } from './volumes/volume-helper.js'
import { shown, volumePath } from './volumes/volume-path.js'
import { readWhole } from './whole-file.js'

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  svg: 'image/svg+xml',
  avif: 'image/avif',
}

export function mimeOf(path: string): string {
  const dot = path.lastIndexOf('.')
  return (dot >= 0 && MIME_BY_EXTENSION[path.slice(dot + 1).toLowerCase()]) || 'application/octet-stream'
}

function tooLargeToPreview(path: string, server: string, size: number, maxBytes: number): HomeportError {
  return new HomeportError('INVALID_INPUT', `${path} on ${server} is ${formatSize(size)}, more than a preview shows (${formatSize(maxBytes)}).`, {
    hint: 'Download the file to open it.',
  })
}

function notAFile(path: string, server: string): HomeportError {
  return new HomeportError('INVALID_INPUT', `${path} on ${server} is not a file.`, { hint: 'Pick a file to preview.' })
}

export async function readBytes(target: HostTarget, path: string, maxBytes: number): Promise<FileBytesDto> {
  const fs = await target.fs()
  const attrs = await fs.stat(path)
  if (fileType(attrs.mode) !== 'file') throw notAFile(path, target.server)
  if (attrs.size > maxBytes) throw tooLargeToPreview(path, target.server, attrs.size, maxBytes)
  const { data } = await readWhole(fs, path, maxBytes)
  return { path, size: data.length, base64: data.toString('base64'), mime: mimeOf(path) }
}

export function readVolumeBytes(t: VolumeTarget, path: string, maxBytes: number): Promise<FileBytesDto> {
  return withHelper(t, { write: false }, async (c) => {
    const { data } = await readIn(t, c, path, maxBytes).catch((err: unknown) => {
      // The volume reader words its refusals for the editor; a preview says it in its own terms.
      if (err instanceof HomeportError && err.code === 'NOT_TEXT') {
        throw /not a file/.test(err.message) ? notAFile(shown(t.volume, path), t.server) : new HomeportError('INVALID_INPUT', err.message.replace('the editor opens', 'a preview shows'), { hint: 'Download the file to open it.' })
      }
      throw err
    })
    return { path: volumePath(path), size: data.length, base64: data.toString('base64'), mime: mimeOf(path) }
  })
}
