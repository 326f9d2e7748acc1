// `homeport server add`: pins the host key, checks a password (or passphrase) by logging in before anything is
// kept, and — with --install-key, or when asked on a terminal — switches the new server to a key login the way
// set-up does, so no password is needed from then on. Without a keychain a password lives only as long as
// the command: the command says so, and a key of your own is the way to keep the server usable.

import type { Command } from 'commander'
import type { AuthMethod, MethodInput, ServerDto } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import { progressMode, runJob, throwIfFailed } from './apps-job.js'
import type { CliCore } from './cli-core.js'
import { parsePort, parseSshUser } from './options.js'
import { usageError, writeJson } from './output.js'
import type { WithCore } from './server-commands.js'
import { readStdin } from './stdin.js'
import { askLine, askSecret, askYes, isInteractive } from './tty-prompter.js'

interface AddOptions {
  host: string
  port?: number
  user?: string
  identity?: string
  trustOnFirstUse?: boolean
  hostKey?: string
  passwordStdin?: boolean
  /** true: a key made for Homeport; a string: this private key file of yours. */
  installKey?: boolean | string
}

export function describeServer(server: ServerDto): string {
  return `${server.user}@${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`
}

function chooseAuth(name: string, opts: AddOptions, passwordStdin: boolean): AuthMethod {
  if (opts.identity) return 'key'
  if (passwordStdin) return 'password'
  if (process.env.SSH_AUTH_SOCK) return 'agent'
  // On a terminal the password is asked for, as ssh does.
  if (isInteractive()) return 'password'
  throw usageError(`No way to log in to "${name}" was given.`, 'Pass --identity FILE (a private key), --password-stdin (the password on standard input), or start an ssh-agent so SSH_AUTH_SOCK is set.')
}

/** The key file as the core will read it (`~` expanded), refused here when it is missing, not a private key, or the passphrase does not unlock it. */
async function keyFile(core: CliCore, file: string, passphrase?: string): Promise<string> {
  return (await core.call('servers.checkKeyFile', { path: file, ...(passphrase !== undefined ? { passphrase } : {}) })).path
}

/** A login the server refused leaves nothing behind: the entry and its secret go again. */
async function addChecked(core: CliCore, input: MethodInput<'servers.add'>): Promise<ServerDto> {
  const added = await core.call('servers.add', input)
  if (input.secret === undefined) return added
  try {
    await core.call('servers.connect', { id: added.id })
  } catch (err) {
    await core.call('servers.remove', { id: added.id }).catch(() => undefined)
    throw err
  }
  return added
}

/** The key --install-key names: a file of yours, or one made for Homeport, which keeps its passphrase in the keychain. */
async function flaggedKey(core: CliCore, opts: AddOptions, keychain: boolean): Promise<{ file?: string } | undefined> {
  if (typeof opts.installKey === 'string') return { file: await keyFile(core, opts.installKey) }
  if (!opts.installKey) return undefined
  if (keychain) return {}
  throw new HomeportError('SECRET_STORE_UNAVAILABLE', 'A key made for Homeport keeps its passphrase in the OS keychain, and no keychain answers here.', {
    hint: 'Install one of your own keys instead: --install-key ~/.ssh/id_ed25519 (a key without a passphrase, or one your ssh-agent unlocks).',
  })
}

/** On a terminal, once the password worked: the offer set-up makes. Without a keychain only a key of yours stays usable. */
async function offeredKey(core: CliCore, keychain: boolean): Promise<{ file?: string } | undefined> {
  if (!isInteractive()) return undefined
  const why = keychain ? 'so Homeport needs no password from now on' : 'so the server stays usable without a password (no keychain keeps it here)'
  if (!(await askYes(`Install a key on the server and log in with it, ${why}? (yes/no) `))) return undefined
  if (keychain) return {}
  const own = '~/.ssh/id_ed25519'
  return { file: await keyFile(core, (await askLine(`Which private key of yours? [${own}] `)) || own) }
}

async function installKey(core: CliCore, server: ServerDto, key: { file?: string }, json: boolean): Promise<ServerDto> {
  // Progress goes to stderr even with --json: stdout carries the one server object.
  const job = throwIfFailed(await runJob(core, progressMode(false), () => core.call('provision.run', { serverId: server.id, keyOnly: true, ...(key.file ? { identityFile: key.file } : {}) })))
  const keyFile = job.kind === 'provision' ? job.result?.summary.keyFile : undefined
  if (!json) process.stdout.write(`${server.name} now logs in with the key ${keyFile ?? key.file ?? ''}; no password is needed any more.\n`)
  return core.call('servers.get', { id: server.id })
}

export function registerServerAddCommand(server: Command, withCore: WithCore, json: () => boolean): void {
  server
    .command('add')
    .description('add a server, pin its host key and check the login')
    .argument('<name>', 'a short name for the server')
    .requiredOption('--host <host>', 'host name or IP address')
    .option('--port <port>', 'SSH port (default 22)', parsePort)
    .option('--user <user>', 'SSH user (default: your local user name)', parseSshUser)
    .option('--identity <file>', 'private key file (key login)')
    .option('--password-stdin', 'read the password (or, with --identity, the key passphrase) from standard input; it is checked by logging in')
    .option('--trust-on-first-use', 'pin whatever host key the server presents now')
    .option('--host-key <fingerprint>', 'pin this host key (SHA256:…) and refuse any other')
    .option('--install-key [file]', 'after a password login: put a key on the server and log in with it from then on (a new key made for Homeport, or this private key of yours); asked on a terminal')
    .option('--json', 'print the added server as JSON')
    .action(async (name: string, opts: AddOptions) => {
      if (opts.trustOnFirstUse && opts.hostKey) throw usageError('--trust-on-first-use and --host-key exclude each other.', 'Pass one of them.')
      const authMethod = chooseAuth(name, opts, Boolean(opts.passwordStdin))
      if (opts.installKey && authMethod !== 'password') throw usageError('--install-key replaces a password login; this server already logs in with a key or the agent.', 'Leave --install-key out, or add the server with --password-stdin.')
      const secret = opts.passwordStdin ? await readStdin() : authMethod === 'password' ? await askSecret(`Password for ${opts.user ?? process.env.USER ?? 'your user'}@${opts.host}: `) : undefined
      const base: Omit<MethodInput<'servers.add'>, 'identityFile'> = {
        name,
        host: opts.host,
        authMethod,
        ...(opts.port !== undefined ? { port: opts.port } : {}),
        ...(opts.user ? { user: opts.user } : {}),
        ...(secret !== undefined ? { secret } : {}),
        ...(opts.hostKey ? { hostKey: opts.hostKey } : {}),
        ...(opts.trustOnFirstUse ? { trustOnFirstUse: true } : {}),
      }
      await withCore(async (core) => {
        const input = opts.identity ? { ...base, identityFile: await keyFile(core, opts.identity, secret) } : base
        const keychain = secret === undefined || (await core.call('app.info', {})).secretStore === 'keychain'
        // Checked before anything is added: a refused key choice must not leave a half-made server behind.
        const flagged = await flaggedKey(core, opts, keychain)
        let added = await addChecked(core, input)
        if (!json()) process.stdout.write(`Added ${added.name} (${describeServer(added)}, ${added.authMethod} login), host key ${added.hostKeyAlgorithm} ${added.hostKey} pinned${secret !== undefined ? '; the login works' : ''}.\n`)
        const key = flagged ?? (authMethod === 'password' && !json() ? await offeredKey(core, keychain) : undefined)
        if (key) added = await installKey(core, added, key, json())
        else if (!keychain) {
          process.stderr.write(
            `warning: no OS keychain answered, so the ${authMethod === 'password' ? 'password' : 'passphrase'} was not saved: give it again with --password-stdin to each command that connects to ${name}` +
              `${authMethod === 'password' ? `, or install a key so none is needed (\`homeport provision ${name} --password-stdin\`, or add it with --install-key FILE)` : ''}.\n`,
          )
        }
        if (json()) writeJson(added)
      }, 'local')
    })
}
