// `homeport server add | list | remove | trust | test` (add in server-add-command.ts).

import type { Command } from 'commander'
import type { CliCore, Route } from './cli-core.js'
import { table, writeJson } from './output.js'
import { describeServer, registerServerAddCommand } from './server-add-command.js'

export { readStdin } from './stdin.js'

/** Runs `fn` on the core, opened where `route` allows (default: anywhere, see cli-core.ts). */
export type WithCore = <T>(fn: (core: CliCore) => Promise<T>, route?: Route) => Promise<T>

export function registerServerCommands(program: Command, withCore: WithCore, json: () => boolean): void {
  const server = program.command('server').description('add, list, test and remove servers')

  registerServerAddCommand(server, withCore, json)

  server
    .command('list')
    .description('list the servers Homeport knows')
    .option('--json', 'print JSON')
    .action(async () => {
      await withCore(async (core) => {
        const servers = await core.call('servers.list', {})
        if (json()) return writeJson(servers)
        if (servers.length === 0) return void process.stdout.write('No servers yet. Add one with `homeport server add NAME --host HOST`.\n')
        process.stdout.write(
          table(
            ['NAME', 'ADDRESS', 'AUTH', 'HOST KEY'],
            servers.map((s) => [s.name, describeServer(s), s.authMethod, s.hostKey ?? '-']),
          ),
        )
      })
    })

  server
    .command('remove')
    .description('forget a server, its pinned host key and its stored secrets')
    .argument('<name>', 'server name')
    .action(async (name: string) => {
      await withCore(async (core) => {
        await core.call('servers.remove', { id: name })
        if (!json()) process.stdout.write(`Removed ${name}.\n`)
      })
    })

  server
    .command('trust')
    .description("replace a server's pinned host key after it changed (a reinstalled server)")
    .argument('<name>', 'server name')
    .requiredOption('--host-key <fingerprint>', 'the new SHA256:… fingerprint, read on the server with ssh-keygen -lf')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { hostKey: string }) => {
      await withCore(async (core) => {
        const updated = await core.call('servers.replaceHostKey', { id: name, hostKey: opts.hostKey })
        if (json()) return writeJson(updated)
        process.stdout.write(`Pinned ${updated.hostKey} for ${name}.\n`)
      })
    })

  server
    .command('test')
    .description('connect, measure a round trip and ask Docker for its version')
    .argument('<name>', 'server name')
    .option('--json', 'print JSON')
    .action(async (name: string) => {
      await withCore(async (core) => {
        const result = await core.call('servers.test', { id: name })
        if (json()) return writeJson(result)
        process.stdout.write(
          table(
            ['SERVER', 'HOST KEY', 'ROUND TRIP', 'DOCKER', 'API', 'SOCKET'],
            [[result.name, result.hostKey, `${result.latencyMs} ms`, result.docker.version, result.docker.apiVersion, `${result.docker.socket} (${result.docker.transport})`]],
          ),
        )
      }, { server: name })
    })
}
