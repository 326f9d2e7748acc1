// The agent part of the contract: facts and metrics from a server, and the agent's own install state.

import type { agentContract } from '../../../shared/contract/agent.js'
import type { HandlersFor } from '../../../shared/contract/index.js'
import type { SshSession } from '../connection/types.js'
import { listInstalled, statusOf } from './agent-installer.js'
import { agentFor } from './agent-client.js'
import { bundledAgent } from './agent-script.js'

export function agentHandlers(deps: { session: (serverId: string) => Promise<SshSession>; idOf: (idOrName: string) => string }): HandlersFor<typeof agentContract> {
  const agent = async (serverId: string) => agentFor(await deps.session(deps.idOf(serverId)))
  return {
    'agent.hello': async ({ serverId }) => {
      const client = await agent(serverId)
      // A server where the agent cannot be installed (a full disk, a read-only home) still gets its facts.
      return client.hello().catch(() => client.hello({ install: false }))
    },
    'agent.metrics': async ({ serverId }) => (await agent(serverId)).metrics(),
    'agent.status': async ({ serverId }) => statusOf(await listInstalled(await deps.session(deps.idOf(serverId))), bundledAgent()),
    'agent.install': async ({ serverId, force }) => (await agent(serverId)).install(force),
  }
}
