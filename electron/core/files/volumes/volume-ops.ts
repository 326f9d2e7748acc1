// Make, remove and move inside a volume. A new folder arrives as an archive holding only the folders that
// are missing (Docker would reset the mode and owner of any folder it unpacks over); remove and move run
// rm, rmdir or mv in a helper, with the paths as plain arguments — there is no shell in between.

import type { FileEntryDto } from '../../../../shared/contract/files.js'
import { HomeportError } from '../../../../shared/errors.js'
import { END_OF_ARCHIVE, headerBlocks } from './tar-write.js'
import { runInVolume, withHelper, type VolumeTarget } from './volume-helper.js'
import { statIn } from './volume-files.js'
import { inHelper, shown, volumePath } from './volume-path.js'
import { Readable } from 'node:stream'

async function existing(t: VolumeTarget, c: Parameters<typeof statIn>[1], path: string): Promise<FileEntryDto | undefined> {
  return statIn(t, c, path).catch((err: unknown) => {
    if (err instanceof HomeportError && err.code === 'NOT_FOUND') return undefined
    throw err
  })
}

export function makeVolumeFolder(t: VolumeTarget, path: string): Promise<FileEntryDto> {
  const target = volumePath(path)
  return withHelper(t, { write: true }, async (c) => {
    const missing: string[] = []
    let base = target
    for (; base !== '/'; base = base.slice(0, base.lastIndexOf('/')) || '/') {
      const found = await existing(t, c, base)
      if (found?.type === 'dir') break
      if (found) throw new HomeportError('NAME_CLASH', `${shown(t.volume, base)} on ${t.server} is a file, not a folder.`)
      missing.unshift(base)
    }
    if (missing.length > 0) {
      const owner = await statIn(t, c, base)
      const prefix = base === '/' ? '/' : `${base}/`
      const blocks = missing.map((dir) => headerBlocks({ path: `${dir.slice(prefix.length)}/`, type: 'Directory', mode: 0o755, uid: owner.uid, gid: owner.gid, mtime: new Date() }))
      await c.putArchive(Readable.from([Buffer.concat([...blocks, END_OF_ARCHIVE])]), { path: inHelper(base) })
    }
    return statIn(t, c, target)
  })
}

async function run(t: VolumeTarget, argv: string[], path: string, action: string): Promise<void> {
  const { code, output } = await runInVolume(t, argv)
  if (code === 0) return
  if (/No such file/i.test(output)) throw new HomeportError('NOT_FOUND', `There is no ${shown(t.volume, path)} on ${t.server}.`, { details: output })
  throw new HomeportError('COMMAND_FAILED', `Could not ${action} ${shown(t.volume, path)} on ${t.server}.`, { hint: 'See the details for what the volume said.', details: output })
}

export async function removeInVolume(t: VolumeTarget, path: string, recursive: boolean, confirm: string | undefined): Promise<void> {
  const p = volumePath(path)
  if (p === '/') throw new HomeportError('INVALID_INPUT', `Homeport does not remove the root of volume ${t.volume}.`, { hint: 'Remove the volume itself with Docker, or the folders inside it.' })
  const entry = await statVolumeEntry(t, p)
  if (entry.type !== 'dir') return run(t, ['rm', '-f', '--', inHelper(p)], p, 'remove')
  if (!recursive) return run(t, ['rmdir', '--', inHelper(p)], p, 'remove (it must be empty)')
  if (confirm !== path && confirm !== p) {
    throw new HomeportError('INVALID_INPUT', `Removing ${shown(t.volume, p)} and everything in it needs its path repeated to confirm.`, { hint: 'Pass the same path again as `confirm`.' })
  }
  return run(t, ['rm', '-rf', '--', inHelper(p)], p, 'remove')
}

function statVolumeEntry(t: VolumeTarget, path: string): Promise<FileEntryDto> {
  return withHelper(t, { write: false }, (c) => statIn(t, c, path))
}

export async function moveInVolume(t: VolumeTarget, from: string, to: string, overwrite: boolean): Promise<FileEntryDto> {
  const [a, b] = [volumePath(from), volumePath(to)]
  const taken = await withHelper(t, { write: false }, async (c) => {
    await statIn(t, c, a)
    return existing(t, c, b)
  })
  if (taken && !overwrite) throw new HomeportError('NAME_CLASH', `${shown(t.volume, b)} already exists on ${t.server}.`)
  // -T: onto an existing folder, mv would otherwise move into it.
  await run(t, ['mv', '-f', '-T', '--', inHelper(a), inHelper(b)], a, 'move')
  return statVolumeEntry(t, b)
}
