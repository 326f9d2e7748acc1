// The terminal part of the contract: a shell in a container, driven by id. Which container an app's service
// runs in is the apps domain's to say: it is handed in as `containerFor` when the core is assembled.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { terminalContract } from '../../../shared/contract/terminal.js'
import type { Docker } from '../docker/docker-access.js'
import type { Terminals } from './terminals.js'

export interface TerminalTarget {
  docker: Docker
  containerId: string
}

export function terminalHandlers(deps: {
  terminals: Terminals
  idOf: (idOrName: string) => string
  containerFor: (serverId: string, app: string, service: string) => Promise<TerminalTarget>
}): HandlersFor<typeof terminalContract> {
  const { terminals } = deps
  return {
    'terminal.open': async ({ serverId, app, service, cols, rows, command }, ctx) => {
      const { docker, containerId } = await deps.containerFor(deps.idOf(serverId), app, service)
      return { terminalId: await terminals.start(docker, containerId, { cols, rows }, ctx.clientId, command) }
    },
    'terminal.input': async ({ terminalId, data }) => terminals.input(terminalId, data),
    'terminal.resize': ({ terminalId, cols, rows }) => terminals.resize(terminalId, cols, rows),
    'terminal.close': async ({ terminalId }) => terminals.close(terminalId),
  }
}
