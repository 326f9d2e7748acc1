// The terminal part of the contract: a shell in an app's container, driven by id.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { terminalContract } from '../../../shared/contract/terminal.js'
import type { Terminals } from './terminals.js'

export function terminalHandlers(deps: {
  terminals: Terminals
  openTerminal: (serverId: string, app: string, service: string, size: { cols: number; rows: number }, owner: string, command?: string[]) => Promise<string>
}): HandlersFor<typeof terminalContract> {
  const { terminals } = deps
  return {
    'terminal.open': async ({ serverId, app, service, cols, rows, command }, ctx) => ({
      terminalId: await deps.openTerminal(serverId, app, service, { cols, rows }, ctx.clientId, command),
    }),
    'terminal.input': async ({ terminalId, data }) => terminals.input(terminalId, data),
    'terminal.resize': ({ terminalId, cols, rows }) => terminals.resize(terminalId, cols, rows),
    'terminal.close': async ({ terminalId }) => terminals.close(terminalId),
  }
}
