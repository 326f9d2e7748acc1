// `homeport init` and `homeport deploy …`: set a project folder up (homeport.yml, a minimal Dockerfile),
// deploy it (a job with progress on stderr, the result as JSON with --json), and the kept versions of a
// deployed app: history, rollback, list. Without homeport.yml, `deploy` asks in a terminal and writes it, or
// names the flags to pass when there is no terminal to ask in.

import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { parse } from 'yaml'
import type { DeployConfigInput, DeployHistoryDto, DeployJobResult, DeployProjectDto } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import { formatBytes, progressMode, runJob, throwIfFailed } from './apps-job.js'
import type { CliCore } from './cli-core.js'
import { table, usageError, writeJson } from './output.js'
import type { WithCore } from './server-commands.js'
import { askLine, askYes, isInteractive } from './tty-prompter.js'

/** The settings the core reads (electron/core/deploy/proxy.ts). */
const PROXY_IMAGE_SETTING = 'deploy.proxyImage'
const PROXY_NAME_SETTING = 'deploy.proxyName'
const DEFAULT_PROXY_NAME = 'homeport-proxy'

interface SetupFlags {
  app?: string
  server?: string
  port?: string
  appPort?: string
  healthPath?: string
  healthTimeout?: string
  service?: string
  env?: string[]
  dockerfile?: boolean
  yes?: boolean
  force?: boolean
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

function portFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined || value === '') return undefined
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) throw usageError(`${flag} ${value} is not a port (1–65535).`)
  return Number(value)
}

function envFlags(values: string[] = []): Record<string, string> {
  const env: Record<string, string> = {}
  for (const v of values) {
    const eq = v.indexOf('=')
    if (eq < 1) throw usageError(`--env ${v} is not NAME=VALUE.`)
    env[v.slice(0, eq)] = v.slice(eq + 1)
  }
  return env
}

function withSetupFlags(cmd: Command): Command {
  return cmd
    .option('--app <name>', 'the app name on the server (lower-case letters, digits, - and _)')
    .option('--server <server>', 'the server to deploy to (as `homeport server list` names it)')
    .option('--port <port>', 'the port on the server where the app answers')
    .option('--app-port <port>', 'the port the code listens on in its container (default: the one it exposes, else --port)')
    .option('--health-path <path>', 'an HTTP path that answers 2xx once the app is ready, e.g. /health')
    .option('--health-timeout <seconds>', 'how long a new version has to become healthy', '60')
    .option('--service <service>', "build this service of the project's compose file instead of its Dockerfile")
    .option('--env <NAME=VALUE>', 'an environment variable for the app (repeatable)', collect)
}

/** The config from the flags, asking in a terminal for what is missing (unless --yes); null when something is still missing. */
async function configFrom(flags: SetupFlags, project: DeployProjectDto, core: CliCore): Promise<DeployConfigInput> {
  const servers = await core.call('servers.list', {})
  const ask = isInteractive() && !flags.yes
  const folderName = project.dir.split('/').pop()?.toLowerCase().replace(/[^a-z0-9_-]/g, '-').replace(/^[-_]+/, '') || 'app'
  let app = flags.app
  const onlyServer = servers.length === 1 ? servers[0]!.name : undefined
  let server = flags.server ?? (ask ? undefined : onlyServer)
  let port = portFlag(flags.port, '--port')
  if (ask) {
    app ||= (await askLine(`App name [${folderName}]: `)) || folderName
    const choices = onlyServer ? `[${onlyServer}]` : `(${servers.map((s) => s.name).join(', ') || 'none added yet'})`
    server ||= (await askLine(`Server ${choices}: `)) || onlyServer
    port ??= portFlag((await askLine('Port on the server [8080]: ')) || '8080', 'port')
  }
  const missing = [!app && '--app NAME', !server && '--server SERVER', port === undefined && '--port N'].filter(Boolean)
  if (server && !servers.some((s) => s.name === server || s.id === server)) {
    throw new HomeportError('NOT_FOUND', `There is no server named "${server}".`, { hint: 'Add it first (`homeport server add NAME --host …`), or name one `homeport server list` shows.' })
  }
  if (missing.length) {
    throw new HomeportError('INVALID_INPUT', `${project.dir} has no homeport.yml, and there is no terminal to ask what to deploy.`, {
      hint: `Pass ${missing.join(' ')} (homeport.yml is written from them), or run \`homeport init\` in a terminal.`,
    })
  }
  const timeout = Number(flags.healthTimeout ?? '60')
  if (!Number.isInteger(timeout) || timeout < 1) throw usageError(`--health-timeout ${flags.healthTimeout} is not a whole number of seconds.`)
  const appPort = portFlag(flags.appPort, '--app-port')
  return {
    app: app!,
    server: server!,
    port: port!,
    ...(appPort ? { appPort } : {}),
    ...(flags.service ? { service: flags.service } : {}),
    health: { ...(flags.healthPath ? { path: flags.healthPath } : {}), timeout },
    env: envFlags(flags.env),
  }
}

/** Writes homeport.yml (and, when asked or confirmed, a minimal Dockerfile); prints what it wrote. */
async function initFolder(core: CliCore, dir: string, flags: SetupFlags): Promise<{ configPath: string; dockerfilePath?: string }> {
  const project = await core.call('deploy.project', { dir })
  if (project.config && !flags.force) {
    throw new HomeportError('ALREADY_EXISTS', `${join(project.dir, 'homeport.yml')} already exists.`, { hint: 'Edit it, or run again with --force to replace it.' })
  }
  const config = await configFrom(flags, project, core)
  let dockerfile = flags.dockerfile ?? false
  if (flags.dockerfile === undefined && !project.hasDockerfile && project.stack && !config.service) {
    dockerfile = flags.yes || !isInteractive() ? false : await askYes(`No Dockerfile here. Write a minimal one for ${project.stack}? [y/N] `)
  }
  const written = await core.call('deploy.init', { dir: project.dir, config, dockerfile, overwrite: Boolean(flags.force) })
  process.stderr.write(`Wrote ${written.configPath}${written.dockerfilePath ? ` and ${written.dockerfilePath}` : ''}.\n`)
  return written
}

function historyLines(h: DeployHistoryDto): string {
  const rows = h.versions.map((v) => [v.serving ? '*' : '', v.version, v.commit ?? '', v.createdAt.slice(0, 19).replace('T', ' '), v.config.health.path ?? ''])
  return `${h.app} on ${h.server}${h.port ? `, port ${h.port}` : ''}\n${table(['', 'VERSION', 'COMMIT', 'BUILT (UTC)', 'HEALTH'], rows)}`
}

/** --server, else the homeport.yml of the current folder when it deploys this app, else the only server. */
async function serverFor(core: CliCore, app: string, flag?: string): Promise<string> {
  if (flag) return flag
  const file = join(process.cwd(), 'homeport.yml')
  if (existsSync(file)) {
    const parsed = parse(readFileSync(file, 'utf8')) as { app?: unknown; server?: unknown } | null
    if (parsed?.app === app && typeof parsed.server === 'string') return parsed.server
  }
  const servers = await core.call('servers.list', {})
  if (servers.length === 1) return servers[0]!.name
  throw usageError(`Which server is ${app} deployed on?`, 'Name it with --server SERVER (or run the command in the project folder, whose homeport.yml names it).')
}

/**
 * A subcommand's options merged with those `deploy` took: `deploy` has --server and --json of its own, and
 * commander gives an option written after a subcommand to the parent that declares it too.
 */
function given(cmd: Command): { server?: string; json?: boolean } & Record<string, unknown> {
  return cmd.optsWithGlobals()
}

export function registerDeployCommands(program: Command, withCore: WithCore, json: () => boolean): void {
  withSetupFlags(program.command('init'))
    .description('write homeport.yml for a project folder (and offer a minimal Dockerfile for Node, Go or Python)')
    .argument('[dir]', 'the project folder', '.')
    .option('--dockerfile', 'write a minimal Dockerfile when the folder has none')
    .option('--no-dockerfile', 'never write a Dockerfile')
    .option('-y, --yes', 'ask nothing: take the flags (and defaults) as they are')
    .option('--force', 'replace an existing homeport.yml')
    .option('--json', 'print JSON')
    .action(async (dir: string, flags: SetupFlags) => {
      await withCore(async (core) => {
        const written = await initFolder(core, resolve(dir), flags)
        if (json()) writeJson(written)
      }, 'local')
    })

  const deploy = withSetupFlags(program.command('deploy'))
    .description('build a project folder on its server and switch to it with no failed request (homeport.yml says where)')
    .argument('[dir]', 'the project folder', '.')
    .option('-y, --yes', 'ask nothing when homeport.yml is missing: take the flags as they are')
    .option('--build-local', "build with this computer's Docker and send the server only the layers it lacks (overrides homeport.yml's build:)")
    .option('--build-server', "build on the server (overrides homeport.yml's build:)")
    .option('--json', 'print JSON')
    .action(async (dir: string, flags: SetupFlags & { buildLocal?: boolean; buildServer?: boolean }) => {
      if (flags.buildLocal && flags.buildServer) throw usageError('Give --build-local or --build-server, not both.')
      const build = flags.buildLocal ? 'local' : flags.buildServer ? 'server' : undefined
      const folder = resolve(dir)
      await withCore(async (core) => {
        const project = await core.call('deploy.project', { dir: folder })
        if (!project.config) await initFolder(core, folder, { ...flags, dockerfile: false })
        const job = throwIfFailed(await runJob(core, progressMode(json()), () => core.call('deploy.run', { dir: folder, ...(build ? { build } : {}) })))
        const result = job.result as DeployJobResult
        if (json()) return writeJson(result)
        if (result.sent) process.stdout.write(`Built on this computer: sent ${result.sent.layersSent} of ${result.sent.layers} layers, ${formatBytes(result.sent.bytesSent)} of ${formatBytes(result.sent.bytesFull)}.\n`)
        process.stdout.write(`${result.app} ${result.version} serves on port ${result.port}${result.previous ? ` (was ${result.previous}, kept for a rollback)` : ''}.\n`)
      })
    })

  deploy
    .command('history')
    .description('the kept versions of a deployed app, newest first (* serves)')
    .argument('<app>', 'app name')
    .option('--server <server>', 'the server (default: from homeport.yml here, or the only server)')
    .option('--json', 'print JSON')
    .action(async (app: string, _opts: unknown, cmd: Command) => {
      const opts = given(cmd)
      await withCore(async (core) => {
        const history = await core.call('deploy.history', { serverId: await serverFor(core, app, opts.server), app })
        if (json() || opts.json) return writeJson(history)
        process.stdout.write(historyLines(history))
      })
    })

  deploy
    .command('rollback')
    .description('switch back to a kept version (default: the one before) through the same health check')
    .argument('<app>', 'app name')
    .argument('[version]', 'a version `homeport deploy history` lists')
    .option('--server <server>', 'the server (default: from homeport.yml here, or the only server)')
    .option('--json', 'print JSON')
    .action(async (app: string, version: string | undefined, _opts: unknown, cmd: Command) => {
      const opts = given(cmd)
      const asJson = json() || Boolean(opts.json)
      await withCore(async (core) => {
        const serverId = await serverFor(core, app, opts.server)
        const job = throwIfFailed(await runJob(core, progressMode(asJson), () => core.call('deploy.rollback', { serverId, app, ...(version ? { version } : {}) })))
        const result = job.result as DeployJobResult
        if (asJson) return writeJson(result)
        process.stdout.write(`${result.app} ${result.version} serves on port ${result.port} again${result.previous ? ` (${result.previous} stopped, kept)` : ''}.\n`)
      })
    })

  deploy
    .command('list')
    .description('the apps deployed on a server, with the version each serves')
    .argument('<server>', 'server name')
    .option('--json', 'print JSON')
    .action(async (server: string, _opts: unknown, cmd: Command) => {
      const asJson = json() || Boolean(given(cmd).json)
      await withCore(async (core) => {
        const apps = await core.call('deploy.list', { serverId: server })
        if (asJson) return writeJson(apps)
        if (!apps.length) return process.stdout.write(`Nothing is deployed on ${server}.\n`)
        process.stdout.write(table(['APP', 'PORT', 'SERVING', 'VERSIONS'], apps.map((a) => [a.app, String(a.port ?? ''), a.current ?? '(none)', String(a.versions.length)])))
      }, { server })
    })

  deploy
    .command('proxy')
    .description("show or set the servers' proxy: its Caddy image (default: the official image) and its container name")
    .option('--image <image>', 'an image reference, e.g. registry.example.org/library/caddy:2.8.4')
    .option('--default-image', 'go back to the default image')
    .option('--name <name>', `the proxy's container and network name (default ${DEFAULT_PROXY_NAME}); another name runs a separate proxy`)
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = given(cmd) as { image?: string; defaultImage?: boolean; name?: string; json?: boolean }
      if (opts.image && opts.defaultImage) throw usageError('Give --image or --default-image, not both.')
      if (opts.name !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(opts.name)) throw usageError(`--name ${opts.name} is not a container name (letters, digits, ".", "_", "-").`)
      await withCore(async (core) => {
        if (opts.image || opts.defaultImage) await core.call('settings.set', { key: PROXY_IMAGE_SETTING, value: opts.defaultImage ? null : opts.image })
        if (opts.name !== undefined) await core.call('settings.set', { key: PROXY_NAME_SETTING, value: opts.name === DEFAULT_PROXY_NAME ? null : opts.name })
        const image = (await core.call('settings.get', { key: PROXY_IMAGE_SETTING })) as string | null | undefined
        const name = ((await core.call('settings.get', { key: PROXY_NAME_SETTING })) as string | null | undefined) || DEFAULT_PROXY_NAME
        if (json() || opts.json) return writeJson({ image: image || null, name })
        process.stdout.write(`The proxy is the container ${name}, running ${image || 'the official Caddy image'}.\n`)
      })
    })
}
