// `homeport server add | list | remove | test`.

import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import type { MethodInput } from '../../shared/contract/index.js'
import type { AuthMethod, ServerDto } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import type { CliCore, Route } from './cli-core.js'
import { parsePort, parseSshUser } from './options.js'
import { table, usageError, writeJson } from './output.js'

/** Runs `fn` on the core, opened where `route` allows (default: anywhere, see cli-core.ts). */
export type WithCore = <T>(fn: (core: CliCore) => Promise<T>, route?: Route) => Promise<T>

interface AddOptions {
  host: string
  port?: number
  user?: string
  identity?: string
  passwordStdin?: boolean
  trustOnFirstUse?: boolean
  hostKey?: string
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  // One trailing newline is what `echo` and here-strings add; it is not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

function chooseAuth(name: string, opts: AddOptions): AuthMethod {
  if (opts.identity) return 'key'
  if (opts.passwordStdin) return 'password'
  if (process.env.SSH_AUTH_SOCK) return 'agent'
  throw usageError(`No way to log in to "${name}" was given.`, 'Pass --identity FILE (a private key), --password-stdin (the password on standard input), or start an ssh-agent so SSH_AUTH_SOCK is set.')
}

function describe(server: ServerDto): string {
  return `${server.user}@${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`
}

export function registerServerCommands(program: Command, withCore: WithCore, json: () => boolean): void {
  const server = program.command('server').description('add, list, test and remove servers')

  server
    .command('add')
    .description('add a server and pin its host key')
    .argument('<name>', 'a short name for the server')
    .requiredOption('--host <host>', 'host name or IP address')
    .option('--port <port>', 'SSH port (default 22)', parsePort)
    .option('--user <user>', 'SSH user (default: your local user name)', parseSshUser)
    .option('--identity <file>', 'private key file (key login)')
    .option('--password-stdin', 'read the password (or, with --identity, the key passphrase) from standard input')
    .option('--trust-on-first-use', 'pin whatever host key the server presents now')
    .option('--host-key <fingerprint>', 'pin this host key (SHA256:…) and refuse any other')
    .option('--json', 'print the added server as JSON')
    .action(async (name: string, opts: AddOptions) => {
      if (opts.trustOnFirstUse && opts.hostKey) throw usageError('--trust-on-first-use and --host-key exclude each other.', 'Pass one of them.')
      const authMethod = chooseAuth(name, opts)
      let identityFile: string | undefined
      if (opts.identity) {
        identityFile = path.resolve(opts.identity)
        if (!fs.existsSync(identityFile)) {
          throw new HomeportError('KEY_INVALID', `The key file ${identityFile} does not exist.`, { hint: 'Check the path given to --identity.' })
        }
      }
      const secret = opts.passwordStdin ? await readStdin() : undefined
      const input: MethodInput<'servers.add'> = {
        name,
        host: opts.host,
        authMethod,
        ...(opts.port !== undefined ? { port: opts.port } : {}),
        ...(opts.user ? { user: opts.user } : {}),
        ...(identityFile ? { identityFile } : {}),
        ...(secret !== undefined ? { secret } : {}),
        ...(opts.hostKey ? { hostKey: opts.hostKey } : {}),
        ...(opts.trustOnFirstUse ? { trustOnFirstUse: true } : {}),
      }
      await withCore(async (core) => {
        const added = await core.call('servers.add', input)
        if (json()) return writeJson(added)
        process.stdout.write(`Added ${added.name} (${describe(added)}, ${added.authMethod} login), host key ${added.hostKeyAlgorithm} ${added.hostKey} pinned.\n`)
        if (secret !== undefined) {
          const info = await core.call('app.info', {})
          if (info.secretStore === 'memory') {
            process.stderr.write('warning: no OS keychain answered; the secret was not saved and will be asked for next time.\n')
          }
        }
      }, 'local')
    })

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
            servers.map((s) => [s.name, describe(s), s.authMethod, s.hostKey ?? '-']),
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
