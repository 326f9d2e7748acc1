// A container as the contract shows it, from Docker's list entry. Kept apart from the service so that code
// which only shapes containers does not load dockerode.

import type { ContainerDto, PortDto } from '../../../shared/contract/index.js'
import type { Docker } from './docker-access.js'

export function toContainerDto(info: Docker.ContainerInfo): ContainerDto {
  const ports: PortDto[] = (info.Ports ?? []).map((p) => ({
    ...(p.IP ? { ip: p.IP } : {}),
    privatePort: p.PrivatePort,
    ...(p.PublicPort ? { publicPort: p.PublicPort } : {}),
    type: p.Type,
  }))
  const name = (info.Names?.[0] ?? info.Id.slice(0, 12)).replace(/^\//, '')
  return {
    id: info.Id,
    name,
    image: info.Image,
    state: info.State,
    status: info.Status,
    ports,
    created: info.Created,
    labels: info.Labels ?? {},
  }
}
