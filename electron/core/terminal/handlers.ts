// The terminal part of the contract: a shell in an app's service, in any container, or on the server itself,
// driven by id. Which container an app's service runs in is the apps domain's to say: it is handed in as
// `containerFor` when the core is assembled.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { terminalContract } from '../../../shared/contract/terminal.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import type { Docker } from '../docker/docker-access.js'
import { DockerError } from '../docker/docker-errors.js'
import type { Terminals } from './terminals.js'

export interface TerminalTarget {
  docker: Docker
  containerId: string
}

/** A running container by id or name; a stopped or missing one is refused in words. */
async function runningContainer(docker: Docker, ref: string, serverName: string): Promise<string> {
  try {
    const info = await docker.getContainer(ref).inspect()
    if (!info.State.Running) {
      throw new HomeportError('INVALID_INPUT', `Container "${ref}" on ${serverName} is not running, so it has no shell to open.`, { hint: 'Start it first, then open the terminal.' })
    }
    return info.Id
  } catch (err) {
    if (err instanceof DockerError && err.statusCode === 404) throw new HomeportError('NOT_FOUND', `There is no container "${ref}" on ${serverName}.`, { hint: 'It may have been removed meanwhile.' })
    throw err
  }
}

export function terminalHandlers(deps: {
  terminals: Terminals
  idOf: (idOrName: string) => string
  containerFor: (serverId: string, app: string, service: string) => Promise<TerminalTarget>
  docker: (serverId: string) => Promise<Docker>
  session: (serverId: string) => Promise<SshSession>
  serverName: (serverId: string) => string
}): HandlersFor<typeof terminalContract> {
  const { terminals } = deps
  return {
    'terminal.open': async ({ serverId, app, service, cols, rows, command }, ctx) => {
      const { docker, containerId } = await deps.containerFor(deps.idOf(serverId), app, service)
      return { terminalId: await terminals.start(docker, containerId, { cols, rows }, ctx.clientId, command) }
    },
    'terminal.openContainer': async ({ serverId, container, cols, rows }, ctx) => {
      const id = deps.idOf(serverId)
      const docker = await deps.docker(id)
      const containerId = await runningContainer(docker, container, deps.serverName(id))
      return { terminalId: await terminals.start(docker, containerId, { cols, rows }, ctx.clientId) }
    },
    'terminal.openHost': async ({ serverId, cols, rows }, ctx) => {
      const session = await deps.session(deps.idOf(serverId))
      return { terminalId: await terminals.startHost(session, { cols, rows }, ctx.clientId) }
    },
    'terminal.input': async ({ terminalId, data }) => terminals.input(terminalId, data),
    'terminal.resize': ({ terminalId, cols, rows }) => terminals.resize(terminalId, cols, rows),
    'terminal.close': async ({ terminalId }) => terminals.close(terminalId),
  }
}
