// `homeport container start|stop|restart|logs SERVER CONTAINER`: one container, an app's or not, by name or id —
// what the server page's container table does, for scripts.

import { InvalidArgumentError, type Command } from 'commander'
import { writeJson } from './output.js'
import type { WithCore } from './server-commands.js'

function parseTail(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1 || n > 100_000) throw new InvalidArgumentError('must be a whole number of lines from 1 to 100000.')
  return n
}

export function registerContainerCommands(program: Command, withCore: WithCore, json: () => boolean): void {
  const container = program.command('container').description('start, stop, restart or read one container (an app\'s or not)')
  for (const action of ['start', 'stop', 'restart'] as const) {
    container
      .command(action)
      .description(`${action} a container`)
      .argument('<server>', 'server name')
      .argument('<container>', 'container name or id')
      .option('--json', 'print JSON')
      .action(async (server: string, name: string) => {
        await withCore(async (core) => {
          const after = await core.call('docker.containerAction', { serverId: server, container: name, action })
          if (json()) return writeJson(after)
          process.stdout.write(`${after.name}: ${after.state} (${after.status})\n`)
        }, { server })
      })
  }
  container
    .command('logs')
    .description("print the last lines of a container's output")
    .argument('<server>', 'server name')
    .argument('<container>', 'container name or id')
    .option('--tail <n>', 'how many lines (default 500)', parseTail)
    .option('--timestamps', 'prefix each line with its time')
    .option('--json', 'print JSON')
    .action(async (server: string, name: string, opts: { tail?: number; timestamps?: boolean }) => {
      await withCore(async (core) => {
        const lines = await core.call('docker.containerLogs', { serverId: server, container: name, tail: opts.tail ?? 500, timestamps: Boolean(opts.timestamps) })
        if (json()) return writeJson(lines)
        for (const line of lines) (line.stream === 'stderr' ? process.stderr : process.stdout).write(`${line.time ? `${line.time} ` : ''}${line.text}\n`)
      }, { server })
    })
}
