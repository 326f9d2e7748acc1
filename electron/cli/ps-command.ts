// `homeport ps NAME [--all] [--json]`: the server's containers, like `docker ps`.

import type { Command } from 'commander'
import type { PortDto } from '../../shared/contract/index.js'
import { table, writeJson } from './output.js'
import type { WithCore } from './server-commands.js'

function formatPorts(ports: PortDto[]): string {
  return ports
    .map((p) => (p.publicPort ? `${p.ip ? `${p.ip}:` : ''}${p.publicPort}->${p.privatePort}/${p.type}` : `${p.privatePort}/${p.type}`))
    .filter((v, i, all) => all.indexOf(v) === i)
    .join(', ')
}

export function registerPsCommand(program: Command, withCore: WithCore, json: () => boolean): void {
  program
    .command('ps')
    .description("list a server's containers (running only, unless --all)")
    .argument('<name>', 'server name')
    .option('-a, --all', 'include stopped containers')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { all?: boolean }) => {
      await withCore(async (core) => {
        const containers = await core.call('docker.containers', { serverId: name, all: Boolean(opts.all) })
        if (json()) {
          return writeJson(containers.map((c) => ({ id: c.id, name: c.name, image: c.image, state: c.state, status: c.status, ports: c.ports })))
        }
        process.stdout.write(
          table(
            ['CONTAINER ID', 'NAME', 'IMAGE', 'STATE', 'STATUS', 'PORTS'],
            containers.map((c) => [c.id.slice(0, 12), c.name, c.image, c.state, c.status, formatPorts(c.ports)]),
          ),
        )
      }, { server: name })
    })
}
