// `homeport apps …`: catalogs, plan, install, list, lifecycle, update, remove and the registry mirror.
// Logs and open live in apps-stream-commands.ts.

import { InvalidArgumentError, type Command } from 'commander'
import { busyMessage } from '../../shared/action-words.js'
import { HomeportError } from '../../shared/errors.js'
import { runJob, progressMode, throwIfFailed } from './apps-job.js'
import { formatApp, formatApps, formatCatalog, formatPlan, formatSkipped } from './apps-output.js'
import { catalogSource, collectEnv, editedFiles, planInput, type SourceOptions } from './apps-source.js'
import { registerAppsStreamCommands } from './apps-stream-commands.js'
import { usageError, writeJson } from './output.js'
import type { WithCore } from './server-commands.js'
import { askLine, askYes, isInteractive } from './tty-prompter.js'

function parseSeconds(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1 || n > 600) throw new InvalidArgumentError('must be a whole number of seconds from 1 to 600.')
  return n
}

function sourceOptions(cmd: Command): Command {
  return cmd
    .option('--file <compose.yml>', 'a compose file instead of a catalog app')
    .option('--name <name>', 'the app (Compose project) name; default: the catalog id, or the file\'s `name:`, or its folder\'s name')
    .option('--env <KEY=VALUE>', 'a variable value (repeatable)', collectEnv, [])
    .option('--env-file <file>', 'variable values from a .env file')
    .option('--catalog <src>', 'catalog folder, archive or https URL (default: the bundled catalog)')
    .option('--json', 'print JSON')
}

async function confirmByName(app: string): Promise<boolean> {
  return (await askLine(`This deletes the data (volumes and folder) of "${app}" for good. Type the app name to confirm: `)) === app
}

/**
 * An app that gets the server itself (privileged, host network, Docker socket…) needs consent: --allow-host-access,
 * or on a terminal a yes once the core has named each risk. Without either, the core's refusal stands.
 */
async function withHostAccessConsent<T>(allowed: boolean | undefined, call: (accept: boolean) => Promise<T>): Promise<T> {
  try {
    return await call(Boolean(allowed))
  } catch (err) {
    if (!(err instanceof HomeportError) || err.code !== 'HOST_ACCESS_NOT_ACCEPTED' || allowed || !isInteractive()) throw err
    process.stderr.write(`${err.message}\n${(err.details ?? '').replace(/^/gm, '  ')}\n`)
    if (!(await askYes('Give it this access and go on? (yes/no) '))) throw new HomeportError('CANCELLED', 'Nothing was changed: the host access was not accepted.')
    return call(true)
  }
}

export function registerAppsCommands(program: Command, withCore: WithCore, json: () => boolean): void {
  const apps = program.command('apps').description('install, run, update and remove apps on a server')

  apps
    .command('catalog')
    .description('list the apps of a catalog (default: the bundled one)')
    .option('--catalog <src>', 'catalog folder, archive or https URL (CasaOS, Umbrel, Portainer, Homeport)')
    .option('--json', 'print JSON')
    .action(async (opts: { catalog?: string }) => {
      await withCore(async (core) => {
        const catalog = await core.call('apps.catalog', opts.catalog ? { catalog: catalogSource(opts.catalog) } : {})
        process.stderr.write(formatSkipped(catalog))
        if (json()) return writeJson(catalog)
        process.stdout.write(formatCatalog(catalog))
      })
    })

  sourceOptions(apps.command('plan').description('show what installing an app would do, changing nothing'))
    .argument('<server>', 'server name')
    .argument('[app-id]', 'catalog app id')
    .action(async (server: string, appId: string | undefined, opts: SourceOptions) => {
      const input = planInput(server, appId, opts)
      await withCore(async (core) => {
        const plan = await core.call('apps.plan', input)
        if (json()) return writeJson(plan)
        process.stdout.write(formatPlan(plan))
      }, { server })
    })

  sourceOptions(apps.command('install').description('install an app from the catalog or a compose file'))
    .argument('<server>', 'server name')
    .argument('[app-id]', 'catalog app id')
    .option('--allow-host-access', 'install even if the app gets the server itself (privileged, host network, Docker socket…); asked on a terminal')
    .action(async (server: string, appId: string | undefined, opts: SourceOptions & { allowHostAccess?: boolean }) => {
      const input = planInput(server, appId, opts)
      await withCore(async (core) => {
        const start = () => withHostAccessConsent(opts.allowHostAccess, (accept) => core.call('apps.install', { ...input, ...(accept ? { acceptHostAccess: true } : {}) }))
        const job = throwIfFailed(await runJob(core, progressMode(json()), start))
        if (json()) return void process.stdout.write(JSON.stringify(job.result) + '\n')
        const result = job.kind === 'install' ? job.result : undefined
        if (result) process.stdout.write(`Installed ${result.app} (${result.containers.join(', ')}).\n`)
      }, { server })
    })

  apps
    .command('list')
    .description('the apps on a server, installed by Homeport or found as Compose stacks')
    .argument('<server>', 'server name')
    .option('--json', 'print JSON')
    .action(async (server: string) => {
      await withCore(async (core) => {
        const list = await core.call('apps.list', { serverId: server })
        if (json()) return writeJson(list)
        process.stdout.write(formatApps(list))
      }, { server })
    })

  for (const action of ['start', 'stop', 'restart'] as const) {
    apps
      .command(action)
      .description(`${action} every container of an app`)
      .argument('<server>', 'server name')
      .argument('<app>', 'app name')
      .option('--json', 'print the app as JSON')
      .action(async (server: string, app: string) => {
        await withCore(async (core) => {
          // A stop waits for each container's grace period: say what is under way, on stderr (stdout stays the result).
          const containers = (await core.call('apps.list', { serverId: server })).find((a) => a.name === app)?.services.length
          if (containers !== undefined && !json()) process.stderr.write(`${busyMessage(action, app, containers)}\n`)
          const result = await core.call(`apps.${action}`, { serverId: server, app })
          if (json()) return writeJson(result)
          process.stdout.write(formatApp(result))
        }, { server })
      })
  }

  apps
    .command('update')
    .description('pull newer images and recreate what changed; rolls back if a new container fails')
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .option('--env <KEY=VALUE>', 'change a variable (repeatable)', collectEnv, [])
    .option('--file <compose.yml>', "replace the app's compose file with this one (planned first, rolled back on failure)")
    .option('--env-file <file>', "replace the app's .env with this one (a secret left blank keeps its value)")
    .option('--dry-run', 'with --file or --env-file: print the plan and change nothing')
    .option('--verify-timeout <seconds>', 'how long a new container must stay up (and healthy) before the update counts', parseSeconds)
    .option('--allow-host-access', 'go on even if the change gives the app more of the server (privileged, host network…); asked on a terminal')
    .option('--json', 'print progress and the result as JSON lines')
    .action(async (server: string, app: string, opts: { env: string[]; file?: string; envFile?: string; dryRun?: boolean; verifyTimeout?: number; allowHostAccess?: boolean }) => {
      const values = opts.env.length ? Object.fromEntries(opts.env.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)])) : undefined
      const edits = editedFiles(opts)
      await withCore(async (core) => {
        // An edit is planned first, so what runs is what was shown; --dry-run stops there.
        if (edits.compose !== undefined || edits.env !== undefined) {
          const plan = await core.call('apps.plan', { serverId: server, name: app, source: { installed: true, ...edits }, values: values ?? {} })
          if (opts.dryRun) return json() ? writeJson(plan) : void process.stdout.write(formatPlan(plan))
          if (!json()) process.stderr.write(formatPlan(plan))
        }
        const input = { serverId: server, app, ...edits, ...(values ? { values } : {}), ...(opts.verifyTimeout ? { verifyTimeoutMs: opts.verifyTimeout * 1000 } : {}) }
        const job = await runJob(core, progressMode(json()), () => withHostAccessConsent(opts.allowHostAccess, (accept) => core.call('apps.update', { ...input, ...(accept ? { acceptHostAccess: true } : {}) })))
        if (job.state !== 'succeeded') {
          // The core says "rolled back" only once its check against the run's journal passed; otherwise the
          // error says what is not as before (or that the server could not be reached), and so does this.
          const message = job.error?.message ?? ''
          const rolledBack = /rolled back/i.test(message) && !/not be rolled back/i.test(message)
          if (json()) process.stdout.write(JSON.stringify({ status: rolledBack ? 'rolled-back' : 'failed', app, error: job.error }) + '\n')
          throwIfFailed(job)
        }
        if (json()) return void process.stdout.write(JSON.stringify(job.result) + '\n')
        const result = job.kind === 'update' ? job.result : undefined
        const changed = [...(result?.created ?? []), ...(result?.recreated ?? [])]
        const upToDate = result?.status === 'up-to-date' || changed.length === 0
        process.stdout.write(upToDate ? `${app} is already up to date: no newer image and no changed setting, nothing recreated.\n` : `Updated ${app}: recreated ${changed.join(', ')}.\n`)
      }, { server })
    })

  apps
    .command('remove')
    .description('remove an app (its data stays unless --volumes)')
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .option('--volumes', 'also delete its volumes, folder and generated passwords (its data)')
    .option('-y, --yes', 'with --volumes: do not ask for confirmation')
    .option('--json', 'print JSON')
    .action(async (server: string, app: string, opts: { volumes?: boolean; yes?: boolean }) => {
      if (opts.volumes && !opts.yes) {
        if (!isInteractive()) throw usageError(`Deleting the data of "${app}" needs confirmation.`, `Add --yes to delete the volumes of "${app}" without a question (this cannot be undone).`)
        if (!(await confirmByName(app))) throw new HomeportError('CANCELLED', `Nothing was removed: the name typed was not "${app}".`)
      }
      await withCore(async (core) => {
        await core.call('apps.remove', { serverId: server, app, volumes: Boolean(opts.volumes), ...(opts.volumes ? { confirm: app } : {}) })
        if (json()) return writeJson({ status: 'removed', app, volumes: Boolean(opts.volumes) })
        process.stdout.write(opts.volumes ? `Removed ${app} and its data.\n` : `Removed ${app}; its volumes and .env were kept (remove --volumes deletes them).\n`)
      }, { server })
    })

  apps
    .command('mirror')
    .description('show, set or clear the registry mirror that Docker Hub images are pulled through')
    .argument('<server>', 'server name')
    .argument('[mirror]', 'registry host[:port][/path], e.g. mirror.example.org or 127.0.0.1:5000')
    .option('--clear', 'pull from Docker Hub directly again')
    .option('--json', 'print JSON')
    .action(async (server: string, mirror: string | undefined, opts: { clear?: boolean }) => {
      if (mirror && opts.clear) throw usageError('Give a mirror or --clear, not both.')
      await withCore(async (core) => {
        if (mirror || opts.clear) {
          const value = mirror ? mirror.replace(/^https?:\/\//, '').replace(/\/+$/, '') : null
          await core.call('apps.setMirror', { serverId: server, mirror: value })
        }
        const current = await core.call('apps.getMirror', { serverId: server })
        if (json()) return writeJson({ server, mirror: current })
        process.stdout.write(current ? `Docker Hub images for ${server} are pulled through ${current}.\n` : `${server} pulls Docker Hub images directly (no mirror).\n`)
      })
    })

  registerAppsStreamCommands(apps, withCore, json)
}
