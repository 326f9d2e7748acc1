// `homeport ps NAME [--all] [--json]`: the server's containers, like `docker ps`.

import type { Command } from 'commander'
import { printContainers } from './ps-output.js'
import type { WithCore } from './server-commands.js'

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
        printContainers(containers, json())
      }, { server: name })
    })
}
