// The docker part of the contract: engine facts, the live container list of a server, and one container's
// start, stop, restart and output.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { dockerContract } from '../../../shared/contract/docker.js'
import type { Sessions } from '../servers/sessions.js'
import { containerAction, containerLogs } from './container-actions.js'

export function dockerHandlers(deps: { sessions: Sessions; idOf: (idOrName: string) => string; serverName: (id: string) => string }): HandlersFor<typeof dockerContract> {
  const { sessions, idOf } = deps
  const docker = async (serverId: string) => (await sessions.docker(serverId)).docker()
  return {
    'docker.info': async ({ serverId }) => (await sessions.docker(idOf(serverId))).info(),
    'docker.containers': async ({ serverId, all }) => (await sessions.docker(idOf(serverId))).listContainers({ all }),
    'docker.watch': async ({ serverId }, ctx) => sessions.watch(idOf(serverId), ctx.clientId),
    'docker.unwatch': async ({ serverId }, ctx) => sessions.unwatch(idOf(serverId), ctx.clientId),
    'docker.containerAction': async ({ serverId, container, action }) => {
      const id = idOf(serverId)
      return containerAction(await docker(id), container, action, deps.serverName(id))
    },
    'docker.containerLogs': async ({ serverId, container, tail, timestamps }) => {
      const id = idOf(serverId)
      return containerLogs(await docker(id), container, { tail, timestamps }, deps.serverName(id))
    },
  }
}
