// Paths inside a volume: given relative to its root, shown as `volume:/path`, and mapped under the helper's
// mount point. Normalising first means no `..` can climb out of the volume.

import { posix } from 'node:path'
import { MOUNT } from './volume-helper.js'

export function volumePath(path: string): string {
  return posix.normalize(`/${path}`).replace(/(.)\/+$/, '$1')
}

export function inHelper(path: string): string {
  const p = volumePath(path)
  return p === '/' ? MOUNT : `${MOUNT}${p}`
}

export function shown(volume: string, path: string): string {
  return `${volume}:${volumePath(path)}`
}
