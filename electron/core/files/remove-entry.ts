// Delete on the server. A file or an empty folder goes over SFTP. A folder with contents needs `recursive`
// and its path repeated in `confirm`; first a constant script checks that every folder in the tree may be
// changed, so a tree that cannot go whole is left whole rather than half-deleted.

import { HomeportError } from '../../../shared/errors.js'
import { fileType, parentOf } from './file-entry.js'
import { absolutePath, type HostTarget } from './host-target.js'
import { permissionDenied } from './file-errors.js'

// $1: the folder (absolute), $2: its parent. Prints the first folder that cannot be changed, NUL-ended.
const REMOVE_TREE = [
  'if [ ! -w "$2" ] || [ ! -x "$2" ]; then printf "%s\\0" "$2"; exit 3; fi',
  'find "$1" -type d -exec sh -c \'for d do if [ ! -w "$d" ] || [ ! -x "$d" ] || [ ! -r "$d" ]; then printf "%s\\0" "$d"; exit 3; fi; done\' sh {} + || exit 3',
  'exec rm -rf "$1"',
].join('\n')

export async function removeEntry(target: HostTarget, path: string, recursive: boolean, confirm: string | undefined): Promise<void> {
  const fs = await target.fs()
  const attrs = await fs.lstat(path)
  if (fileType(attrs.mode) !== 'dir') return fs.unlink(path)
  if (!recursive) {
    const inside = await fs.readdir(path)
    if (inside.length > 0) {
      throw new HomeportError('INVALID_INPUT', `The folder ${path} on ${target.server} is not empty.`, {
        hint: 'Remove it with everything in it (recursive), repeating its path to confirm.',
      })
    }
    return fs.rmdir(path)
  }
  if (confirm !== path) {
    throw new HomeportError('INVALID_INPUT', `Removing ${path} and everything in it needs its path repeated to confirm.`, {
      hint: 'Pass the same path again as `confirm`.',
    })
  }
  const absolute = await fs.realpath(await absolutePath(target, path))
  if (absolute === '/' || absolute === (await target.home())) {
    throw new HomeportError('INVALID_INPUT', `Homeport does not remove ${absolute} on ${target.server} as a whole.`, { hint: 'Remove the folders inside it instead.' })
  }
  const res = await target.session.exec(['env', 'LC_ALL=C', 'sh', '-c', REMOVE_TREE, 'sh', absolute, parentOf(absolute)])
  if (res.code === 3) {
    const blocked = res.stdout.split('\0')[0] || absolute
    throw permissionDenied(blocked, target.server, 'change', `${res.stderr.trim()} (nothing under ${absolute} was removed)`.trim())
  }
  if (res.code !== 0) throw permissionDenied(absolute, target.server, 'remove', res.stderr.trim())
}
