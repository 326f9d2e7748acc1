// The containers of one Compose project, found by Docker Compose's own labels, so stacks started with
// `docker compose` on the server are found too. One-off containers (`docker compose run`) are not the
// project's services and are left out.

import { LABEL } from '../compose/engine/container-spec.js'
import type { Docker } from './docker-access.js'

export async function projectContainers(docker: Docker, project: string): Promise<Docker.ContainerInfo[]> {
  const all = await docker.listContainers({ all: true, filters: { label: [`${LABEL.project}=${project}`] } })
  return all.filter((c) => c.Labels?.[LABEL.oneoff] !== 'True')
}

/** The container of `service` in the project, if it has one. */
export async function serviceContainer(docker: Docker, project: string, service: string): Promise<Docker.ContainerInfo | undefined> {
  return (await projectContainers(docker, project)).find((c) => c.Labels?.[LABEL.service] === service)
}
