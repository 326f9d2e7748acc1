// What the window may say about a server's containers while it is not connected: they are there, but their
// state is not known. The last list is kept (names, images, ports) with its states replaced by "unknown", so
// a dropped server never shows "running / Up Less than a second" from a stale answer.

import type { ContainerDto } from '../../../../../shared/contract/index.js'

export function containersAsShown(containers: readonly ContainerDto[], connected: boolean): ContainerDto[] {
  if (connected) return [...containers]
  return containers.map((c) => ({ ...c, state: 'unknown', status: 'Not known while the server is not connected' }))
}
