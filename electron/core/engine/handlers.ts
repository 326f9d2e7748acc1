// The engine part of the contract: images, volumes and networks of a server with their users and sizes,
// Docker's disk usage, the preview of what is unused, and removing it.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { engineContract } from '../../../shared/contract/engine.js'
import type { Docker } from '../docker/docker-access.js'
import { removeItems, unusedItems } from './engine-cleanup.js'
import { imagesOf, networksOf, readSnapshot, usageOf, volumesOf } from './engine-objects.js'

export function engineHandlers(deps: { docker: (serverId: string) => Promise<Docker>; idOf: (idOrName: string) => string; serverName: (serverId: string) => string }): HandlersFor<typeof engineContract> {
  const snapshot = async (serverId: string) => readSnapshot(await deps.docker(deps.idOf(serverId)))
  return {
    'engine.usage': async ({ serverId }) => usageOf(await snapshot(serverId)),
    'engine.images': async ({ serverId }) => imagesOf(await snapshot(serverId)),
    'engine.volumes': async ({ serverId }) => volumesOf(await snapshot(serverId)),
    'engine.networks': async ({ serverId }) => networksOf(await snapshot(serverId)),
    'engine.unused': async ({ serverId, kinds }) => unusedItems(await deps.docker(deps.idOf(serverId)), kinds),
    'engine.remove': async ({ serverId, items }) => {
      const id = deps.idOf(serverId)
      return removeItems(await deps.docker(id), items, deps.serverName(id))
    },
  }
}
