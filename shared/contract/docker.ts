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

export interface ContainersEvent {
  serverId: string
  containers: ContainerDto[]
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
  /** Start pushing `docker.containers` events for this server (kept live from Docker's event stream). */
  'docker.watch': method(ServerIdInput, out<ContainerDto[]>()),
  'docker.unwatch': method(ServerIdInput, out<void>()),
  /** Start, stop or restart one container; answers with the container as it is afterwards. */
  'docker.containerAction': method(ContainerRef.extend({ action: z.enum(CONTAINER_ACTIONS) }), out<ContainerDto>()),
  /** The last `tail` lines of one container's output (`service` in each line is the container's name). */
  'docker.containerLogs': method(ContainerRef.extend({ tail: z.number().int().min(1).max(100_000).default(500), timestamps: z.boolean().default(false) }), out<LogLineDto[]>()),
} as const

export const dockerEvents = {
  'docker.containers': event<ContainersEvent>(),
} as const
