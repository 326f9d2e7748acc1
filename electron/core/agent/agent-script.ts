// The agent script this app ships (resources/agent/homeport-agent): its text, its version, the protocol it
// speaks and its sha256, read once. The version line is the script's own, so there is one place to bump.

import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { HomeportError } from '../../../shared/errors.js'
import { resourcePath } from '../runtime/resource-path.js'

/** The protocol this app speaks with the agent; an agent that answers another one is replaced. */
export const AGENT_PROTOCOL = 1

export interface AgentScript {
  text: string
  version: string
  protocol: number
  sha256: string
}

export function parseAgentScript(text: string): AgentScript {
  const version = /^AGENT_VERSION=([0-9]+\.[0-9]+\.[0-9]+)$/m.exec(text)?.[1]
  const protocol = Number(/^PROTOCOL=([0-9]+)$/m.exec(text)?.[1])
  if (!version || !Number.isInteger(protocol)) {
    throw new HomeportError('INTERNAL', 'The bundled server agent has no version or protocol line.', { hint: 'Reinstall Homeport.' })
  }
  return { text, version, protocol, sha256: createHash('sha256').update(text).digest('hex') }
}

let bundled: AgentScript | undefined

export function bundledAgent(): AgentScript {
  bundled ??= parseAgentScript(readFileSync(resourcePath('agent/homeport-agent'), 'utf8'))
  return bundled
}
