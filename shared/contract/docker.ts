// Docker on a server, reached through its SSH connection: engine facts and a live container list.

import { z } from 'zod'
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

export const dockerContract = {
  'docker.info': method(ServerIdInput, out<DockerInfoDto>()),
  'docker.containers': method(ServerIdInput.extend({ all: z.boolean().default(true) }), out<ContainerDto[]>()),
  /** Start pushing `docker.containers` events for this server (kept live from Docker's event stream). */
  'docker.watch': method(ServerIdInput, out<ContainerDto[]>()),
  'docker.unwatch': method(ServerIdInput, out<void>()),
} as const

export const dockerEvents = {
  'docker.containers': event<ContainersEvent>(),
} as const
