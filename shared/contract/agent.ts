// The server agent: a small script Homeport installs on each server and calls over the SSH connection for
// facts (hello) and metrics. Its answers cross the bridge as these DTOs.

import { z } from 'zod'
import { method, out } from './define.js'
import { ServerIdInput } from './servers.js'

export interface AgentMountDto {
  source: string
  target: string
  fstype: string
}

export interface AgentHelloDto {
  agent: string
  protocol: number
  os: { id: string; versionId: string; prettyName: string; idLike: string }
  kernel: string
  arch: string
  hostname: string
  uptimeSeconds: number
  init: 'systemd' | 'openrc' | 'other'
  docker: {
    installed: boolean
    version: string
    socket: string
    /** Readable and writable by this login (a new group membership applies from the next login on). */
    socketAccessible: boolean
    /** The group that owns the socket (usually docker). */
    socketGroup: string
    /** Member of that group in the group database, whether or not this login has picked it up yet. */
    inDockerGroup: boolean
    rootless: boolean
    podman: boolean
  }
  sudo: { present: boolean; passwordless: boolean }
  packageManager: string
  cpus: number
  memoryBytes: number
  swapBytes: number
  user: { name: string; uid: number }
  mounts: AgentMountDto[]
}

export interface AgentMetricsDto {
  /** Unix seconds on the server when the sample ended. */
  time: number
  intervalMs: number
  cpu: { percent: number; perCore: number[] }
  load: [number, number, number]
  memory: { totalBytes: number; availableBytes: number; usedBytes: number }
  swap: { totalBytes: number; usedBytes: number }
  disks: { mount: string; source: string; fstype: string; totalBytes: number; usedBytes: number; availableBytes: number }[]
  diskIo: { device: string; readBytesPerSec: number; writeBytesPerSec: number }[]
  network: { interface: string; rxBytes: number; txBytes: number; rxBytesPerSec: number; txBytesPerSec: number }[]
  temperatures: { sensor: string; milliCelsius: number }[]
  uptimeSeconds: number
}

/** What the app knows of the agent on a server. */
export interface AgentStatusDto {
  /** The version this app ships. */
  bundled: string
  /** The version installed on the server, if any. */
  installed?: string
  path?: string
  upToDate: boolean
}

export const agentContract = {
  /** Facts about the server; answers even before the agent is installed (the script is streamed once). */
  'agent.hello': method(ServerIdInput, out<AgentHelloDto>()),
  /** One metrics sample (about one second, for the rates). */
  'agent.metrics': method(ServerIdInput, out<AgentMetricsDto>()),
  'agent.status': method(ServerIdInput, out<AgentStatusDto>()),
  /** Installs or upgrades the agent; a no-op when the installed one is current. */
  'agent.install': method(ServerIdInput.extend({ force: z.boolean().default(false) }), out<AgentStatusDto>()),
} as const
