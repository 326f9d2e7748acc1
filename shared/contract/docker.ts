// Docker on a server, reached through its SSH connection: engine facts and a live container list.

import { z } from 'zod'
import type { LogLineDto } from './apps.js'
import { event, method, out } from './define.js'
import { ServerIdInput } from './servers.js'

export interface DockerInfoDto {
  version: string
  apiVersion: string
  /** Socket path on the server, or `dial-stdio` when stream-local forwarding is forbidden. */
  socket: string
  transport: 'stream-local' | 'dial-stdio'
  os?: string
  arch?: string
  containers?: number
  images?: number
}

export interface PortDto {
  ip?: string
  privatePort: number
  publicPort?: number
  type: string
}

export interface ContainerDto {
  id: string
  name: string
  image: string
  state: string
  status: string
  ports: PortDto[]
  created: number
  labels: Record<string, string>
}

/** The whole list: when a watch starts, and again after the connection came back (events were missed). */
export interface ContainersEvent {
  serverId: string
  containers: ContainerDto[]
}

/** What Docker's events changed since the last patch: only the containers they name, never the whole list. */
export interface ContainersPatchEvent {
  serverId: string
  /** Containers added or changed, as `docker.containers` lists them. */
  changed: ContainerDto[]
  /** Ids of containers that are gone. */
  removed: string[]
}

/** A container by id (full or short) or name, any container on the server, an app's or not. */
export const ContainerRef = ServerIdInput.extend({
  container: z.string().max(256).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be a container name or id (letters, digits, "_", "." and "-")'),
})
export const CONTAINER_ACTIONS = ['start', 'stop', 'restart'] as const
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number]

export const dockerContract = {
  'docker.info': method(ServerIdInput, out<DockerInfoDto>()),
  'docker.containers': method(ServerIdInput.extend({ all: z.boolean().default(true) }), out<ContainerDto[]>()),
  /** Start pushing `docker.containersPatch` events for this server (and `docker.containers` after a reconnect). */
  'docker.watch': method(ServerIdInput, out<ContainerDto[]>()),
  'docker.unwatch': method(ServerIdInput, out<void>()),
  /** Start, stop or restart one container; answers with the container as it is afterwards. */
  'docker.containerAction': method(ContainerRef.extend({ action: z.enum(CONTAINER_ACTIONS) }), out<ContainerDto>()),
  /** The last `tail` lines of one container's output (`service` in each line is the container's name). */
  'docker.containerLogs': method(ContainerRef.extend({ tail: z.number().int().min(1).max(100_000).default(500), timestamps: z.boolean().default(false) }), out<LogLineDto[]>()),
} as const

export const dockerEvents = {
  'docker.containers': event<ContainersEvent>(),
  'docker.containersPatch': event<ContainersPatchEvent>(),
} as const
