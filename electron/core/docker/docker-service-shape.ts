// What the core needs from the per-server Docker service (docker-service.ts): the calls the contract
// exposes and the Docker API for the rest of the core. Kept as an interface so sessions.ts does not depend
// on how the tunnel is built.

import type { ContainerDto, DockerInfoDto } from '../../../shared/contract/index.js'
import type { SshSession } from '../connection/types.js'
import type { ContainersListener } from './container-watch.js'
import type { Docker } from './docker-access.js'

export interface DockerServiceLike {
  /** `counts: false`: the version alone, one request (the container and image counts take a second). */
  info(opts?: { counts?: boolean }): Promise<DockerInfoDto>
  listContainers(opts: { all: boolean }): Promise<ContainerDto[]>
  /** Patches from Docker's event stream (the whole list after a reconnect); returns the stop function. */
  watchContainers(listener: ContainersListener): (() => void) | Promise<() => void>
  /** The Docker API over the tunnel (errors mapped, reads retried after a drop), for apps, terminals and files. */
  docker(): Promise<Docker>
  /** Opens channels ahead of a burst of requests, so each costs one round trip, not two. */
  openChannels?(count: number): Promise<void>
  close?(): void | Promise<void>
}

export type DockerServiceFactory = (session: SshSession, serverName: string) => DockerServiceLike
