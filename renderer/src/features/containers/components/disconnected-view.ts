// What the window may say about a server's containers while it is not connected: they are there, but their
// state is not known. The last list is kept (names, images, ports) with its states replaced by "unknown", so
// a dropped server never shows "running / Up Less than a second" from a stale answer.

import { frozenRows, type ContainerRows } from '../container-patches.js'

/** Connected: the list itself (a new list only when it changed, so the table is redrawn only then). */
export function containersAsShown(containers: ContainerRows, connected: boolean): ContainerRows {
  if (connected) return containers
  return frozenRows(containers.map((c) => ({ ...c, state: 'unknown', status: 'Not known while the server is not connected' })))
}
