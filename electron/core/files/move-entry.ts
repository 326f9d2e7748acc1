// Rename or move on the server. SFTP's rename refuses a taken name (so `overwrite: false` holds even against
// a name that appears meanwhile); OpenSSH's posix-rename replaces atomically. A move to another filesystem
// fails in SFTP and goes through `mv` instead.

import type { FileEntryDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { fileType } from './file-entry.js'
import { nameClash } from './file-errors.js'
import { absolutePath, type HostTarget } from './host-target.js'
import { statEntry } from './list-folder.js'
import { runOnServer } from './server-command.js'

export async function moveEntry(target: HostTarget, from: string, to: string, overwrite: boolean): Promise<FileEntryDto> {
  const fs = await target.fs()
  const source = await fs.lstat(from)
  const taken = await fs.exists(to)
  if (taken && !overwrite) throw nameClash(to, target.server)
  if (taken && fileType(taken.mode) === 'dir' && fileType(source.mode) !== 'dir') throw nameClash(to, target.server, 'A folder')
  try {
    await fs.rename(from, to, taken !== undefined)
  } catch (err) {
    if (!(err instanceof HomeportError) || err.code !== 'INTERNAL') throw err
    const [a, b] = await Promise.all([absolutePath(target, from), absolutePath(target, to)])
    // Checked above; `-f` only keeps mv from asking on a terminal.
    await runOnServer(target, ['mv', '-f', '--', a, b], { path: from, action: 'move' })
  }
  return statEntry(target, to)
}
