// What the core needs from the per-server Docker service (electron/core/docker): the three calls the
// contract exposes. Kept as an interface so sessions.ts does not depend on how the tunnel is built.

import type Docker from 'dockerode'
import type { ContainerDto, DockerInfoDto } from '../../../shared/contract/index.js'
import type { SshSession } from '../connection/types.js'

export interface DockerServiceLike {
  info(): Promise<DockerInfoDto>
  listContainers(opts: { all: boolean }): Promise<ContainerDto[]>
  /** Calls onChange with the full list whenever Docker's event stream says containers changed; returns the stop function. */
  watchContainers(onChange: (containers: ContainerDto[]) => void): (() => void) | Promise<() => void>
  /** The Dockerode over the tunnel, for apps and files. */
  docker(): Promise<Docker>
  close?(): void | Promise<void>
}

export type DockerServiceFactory = (session: SshSession, serverName: string) => DockerServiceLike
