// The docker part of the contract: engine facts and the live container list of a server.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { dockerContract } from '../../../shared/contract/docker.js'
import type { Sessions } from '../servers/sessions.js'

export function dockerHandlers(deps: { sessions: Sessions; idOf: (idOrName: string) => string }): HandlersFor<typeof dockerContract> {
  const { sessions, idOf } = deps
  return {
    'docker.info': async ({ serverId }) => (await sessions.docker(idOf(serverId))).info(),
    'docker.containers': async ({ serverId, all }) => (await sessions.docker(idOf(serverId))).listContainers({ all }),
    'docker.watch': async ({ serverId }, ctx) => sessions.watch(idOf(serverId), ctx.clientId),
    'docker.unwatch': async ({ serverId }, ctx) => sessions.unwatch(idOf(serverId), ctx.clientId),
  }
}
