// What a text file looked like when it was opened, and the refusal when it no longer does. Size and mtime
// catch most changes at the cost of one stat; SFTP's mtime has whole seconds, so a same-size edit within the
// second is caught by comparing the sha256 as well when the editor sent one.

import { createHash } from 'node:crypto'
import type { FileChangedDetails, FileVersionDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'

export function sha256Of(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

export function sameStamp(a: FileVersionDto, b: FileVersionDto): boolean {
  return a.size === b.size && Math.floor(a.mtimeMs / 1000) === Math.floor(b.mtimeMs / 1000)
}

function describe(v: FileVersionDto | null): string {
  if (!v) return 'no file'
  return `${v.size} bytes, modified ${new Date(v.mtimeMs).toISOString()}${v.sha256 ? `, sha256 ${v.sha256.slice(0, 12)}…` : ''}`
}

export function fileChanged(path: string, server: string, opened: FileVersionDto | null, current: FileVersionDto | null): HomeportError {
  const details: FileChangedDetails = { path, opened, current }
  const what = current === null ? 'was deleted' : opened === null ? 'was created by someone else' : 'was changed by someone else'
  return new HomeportError('FILE_CHANGED', `${path} on ${server} ${what} since it was opened (opened: ${describe(opened)}; now: ${describe(current)}). Nothing was written.`, {
    details: JSON.stringify(details),
  })
}
