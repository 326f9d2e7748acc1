// What `homeport ps` prints, shared by the command (ps-command.ts) and its fast path (fast-ps.ts).

import type { ContainerDto, PortDto } from '../../shared/contract/index.js'
import { table, writeJson } from './output.js'

function formatPorts(ports: PortDto[]): string {
  return ports
    .map((p) => (p.publicPort ? `${p.ip ? `${p.ip}:` : ''}${p.publicPort}->${p.privatePort}/${p.type}` : `${p.privatePort}/${p.type}`))
    .filter((v, i, all) => all.indexOf(v) === i)
    .join(', ')
}

export function printContainers(containers: ContainerDto[], json: boolean): void {
  if (json) {
    return writeJson(containers.map((c) => ({ id: c.id, name: c.name, image: c.image, state: c.state, status: c.status, ports: c.ports })))
  }
  process.stdout.write(
    table(
      ['CONTAINER ID', 'NAME', 'IMAGE', 'STATE', 'STATUS', 'PORTS'],
      containers.map((c) => [c.id.slice(0, 12), c.name, c.image, c.state, c.status, formatPorts(c.ports)]),
    ),
  )
}
