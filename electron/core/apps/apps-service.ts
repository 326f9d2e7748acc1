// The apps feature behind the contract: catalogs, plan, install/update as jobs, lifecycle, logs, stats,
// terminals and forwards, each on the server's one SSH session and its Docker tunnel.

import { randomUUID } from 'node:crypto'
import type Docker from 'dockerode'
import type { AppDto, CatalogDto, JobDto, PlanDto } from '../../../shared/contract/index.js'
import type { AppSettingsDto, AppSource } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { z } from 'zod'
import type { EventSink, SecretStore } from '../runtime/types.js'
import type { SshSession } from '../connection/types.js'
import type { JobContext, JobRunner } from '../jobs/job-runner.js'
import type { Catalogs} from './app-definitions.js';
import { definitionFromCatalog, definitionFromCompose, definitionFromInstalled, readMeta, type DefinitionResult } from './app-definitions.js'
import { openForward, webTarget, type Forward } from './app-forward.js'
import { applyPrepared, envValues, planToDto, prepareApp, type InstallerDeps, type PreparedApp } from './app-installer.js'
import { getApp, listApps, removeAppResources, restartApp, startApp, stopApp, type AppMeta } from './app-lifecycle.js'
import { followLogs, readLogs, type LogOptions } from './app-logs.js'
import { appStats } from './app-stats.js'
import { Terminals } from '../terminal/terminals.js'
import type { ApplyEvent } from '../compose/engine/apply.js'
import { ConditionFailedError } from '../compose/engine/wait.js'
import { appDir, listAppDirs, readServerFile, serverFacts, type ServerFacts } from './app-paths.js'

export interface AppsServiceDeps {
  session(serverId: string): Promise<SshSession>
  docker(serverId: string): Promise<Docker>
  mirror(serverId: string): string | undefined
  secrets: SecretStore
  jobs: JobRunner
  events: EventSink
  catalogs: Catalogs
}

type Source = z.output<typeof AppSource>

const secretAccount = (serverId: string, app: string, name: string) => `app:${serverId}:${app}:${name}`

export class AppsService {
  private readonly forwards = new Map<string, Forward>()
  private readonly logStreams = new Map<string, { controller: AbortController; owner: string }>()
  readonly terminals: Terminals

  constructor(private readonly deps: AppsServiceDeps) {
    this.terminals = new Terminals(
      (terminalId, data) => deps.events.emit('terminal.output', { terminalId, data }),
      (terminalId, code) => deps.events.emit('terminal.exit', { terminalId, code }),
    )
  }

  async catalog(source?: string): Promise<CatalogDto> {
    const { apps, skipped } = await this.deps.catalogs.load(source)
    return {
      apps: apps.map(({ compose: _c, files: _f, origin: _o, architectures: _a, ...dto }) => dto),
      skipped,
    }
  }

  private async installer(serverId: string): Promise<InstallerDeps & { facts: ServerFacts }> {
    const session = await this.deps.session(serverId)
    return { session, docker: () => this.deps.docker(serverId), mirror: () => this.deps.mirror(serverId), facts: await serverFacts(session) }
  }

  private async definition(serverId: string, source: Source, name: string | undefined, values: Record<string, string>): Promise<DefinitionResult & { previous?: DefinitionResult['definition'] }> {
    const { session, facts } = await this.installer(serverId)
    if ('installed' in source) {
      if (!name) throw new HomeportError('INVALID_INPUT', 'Which installed app? The name is missing.', { hint: 'Give the app name.' })
      return definitionFromInstalled(session, facts, name, values)
    }
    if ('catalogId' in source) {
      const app = await this.deps.catalogs.find(source.catalogId, source.catalog)
      const appName = name ?? app.id
      return definitionFromCatalog(app, appName, values, facts, await this.keptEnv(session, facts, appName))
    }
    const projectName = name ?? /^name:\s*["']?([a-z0-9][a-z0-9_-]*)["']?\s*$/m.exec(source.compose)?.[1]
    if (!projectName) throw new HomeportError('INVALID_INPUT', 'The app needs a name.', { hint: 'Pass --name NAME (or put a top-level `name:` in the compose file).' })
    return definitionFromCompose(source.compose, source.env, projectName, values, facts, await this.keptEnv(session, facts, projectName))
  }

  /** The .env an earlier uninstall kept with the data, so a reinstall gets the same generated passwords. */
  private async keptEnv(session: SshSession, facts: ServerFacts, name: string): Promise<string | undefined> {
    return readServerFile(session, `${appDir(facts, name)}/.env`).catch(() => undefined)
  }

  async plan(serverId: string, source: Source, name: string | undefined, values: Record<string, string>): Promise<PlanDto> {
    const def = await this.definition(serverId, source, name, values)
    return planToDto(await prepareApp(await this.installer(serverId), def.definition))
  }

  private async assertNew(serverId: string, name: string): Promise<void> {
    const { session, facts } = await this.installer(serverId)
    const docker = await this.deps.docker(serverId)
    const [dirs, containers] = await Promise.all([listAppDirs(session, facts), docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${name}`] } })])
    if (dirs.includes(name) || containers.length) {
      throw new HomeportError('ALREADY_EXISTS', `An app named "${name}" is already on this server.`, {
        hint: 'Choose another name, or update it (`homeport apps update SERVER APP`) or change its settings instead.',
      })
    }
  }

  async install(serverId: string, source: Source, name: string | undefined, values: Record<string, string>): Promise<{ jobId: string; app: string }> {
    if ('installed' in source) throw new HomeportError('INVALID_INPUT', 'An installed app is updated, not installed.', { hint: 'Use apps.update.' })
    const def = await this.definition(serverId, source, name, values)
    const app = def.definition.name
    await this.assertNew(serverId, app)
    const { id } = this.deps.jobs.start({ kind: 'install', title: `Install ${app}`, serverId }, async (ctx) => {
      const deps = await this.installer(serverId)
      ctx.step('Planning')
      const prepared = await prepareApp(deps, def.definition).catch((err) => {
        throw planningFailure(err, app)
      })
      ctx.log(describePlan(prepared))
      await this.storeSecrets(serverId, app, def.secrets)
      const dirExisted = (await deps.session.exec(['test', '-d', prepared.dir])).code === 0
      await applyPrepared(deps, prepared, { signal: ctx.signal, onEvent: progressReporter(ctx), dirExisted }).catch((err) => {
        throw explainFailure(err, app, 'install')
      })
      return { status: 'installed', app, containers: prepared.plan.containers.map((c) => c.name) }
    })
    return { jobId: id, app }
  }

  async update(serverId: string, app: string, values: Record<string, string> | undefined, verifyTimeoutMs?: number): Promise<{ jobId: string; app: string }> {
    const def = await this.definition(serverId, { installed: true }, app, values ?? {})
    const { id } = this.deps.jobs.start({ kind: 'update', title: `Update ${app}`, serverId }, async (ctx) => {
      const deps = await this.installer(serverId)
      ctx.step('Checking for newer images')
      const prepared = await prepareApp(deps, def.definition, { pullAlways: !values })
      ctx.log(describePlan(prepared))
      await this.storeSecrets(serverId, app, def.secrets)
      const result = await applyPrepared(deps, prepared, {
        signal: ctx.signal,
        onEvent: progressReporter(ctx),
        verify: { timeoutMs: verifyTimeoutMs ?? 60_000, settleMs: 3000 },
        previous: def.previous,
        dirExisted: true,
      }).catch((err) => {
        throw explainFailure(err, app, 'update')
      })
      return { status: 'updated', app, recreated: result.recreated, created: result.created }
    })
    return { jobId: id, app }
  }

  private async storeSecrets(serverId: string, app: string, secrets: Record<string, string>): Promise<void> {
    for (const [k, v] of Object.entries(secrets)) await this.deps.secrets.set(secretAccount(serverId, app, k), v)
  }

  private async meta(serverId: string): Promise<(app: string) => AppMeta | undefined> {
    const { session, facts } = await this.installer(serverId)
    const dirs = await listAppDirs(session, facts)
    const metas = new Map<string, AppMeta>()
    await Promise.all(dirs.map(async (d) => {
      const m = await readMeta(session, facts, d)
      if (m) metas.set(d, { catalogId: m.catalogId, web: m.web })
    }))
    return (app) => metas.get(app)
  }

  async list(serverId: string): Promise<AppDto[]> {
    const { session, facts } = await this.installer(serverId)
    return listApps(await this.deps.docker(serverId), session, facts, await this.meta(serverId))
  }

  async get(serverId: string, app: string): Promise<AppDto> {
    const { session, facts } = await this.installer(serverId)
    return getApp(await this.deps.docker(serverId), session, facts, app, await this.meta(serverId))
  }

  async lifecycle(serverId: string, app: string, action: 'start' | 'stop' | 'restart'): Promise<AppDto> {
    const docker = await this.deps.docker(serverId)
    await { start: startApp, stop: stopApp, restart: restartApp }[action](docker, app)
    if (action === 'stop') await this.closeForward(serverId, app)
    return this.get(serverId, app)
  }

  async remove(serverId: string, app: string, volumes: boolean, confirm?: string): Promise<void> {
    if (volumes && confirm !== app) {
      throw new HomeportError('INVALID_INPUT', `Deleting the data of "${app}" needs confirmation.`, { hint: `Repeat the app name as confirmation (\`--confirm ${app}\`); this deletes its volumes and folder for good.` })
    }
    await this.get(serverId, app)
    await this.closeForward(serverId, app)
    const { session, facts } = await this.installer(serverId)
    const secretNames = ((await readMeta(session, facts, app))?.variables ?? []).filter((v) => v.secret).map((v) => v.name)
    await removeAppResources(await this.deps.docker(serverId), app, volumes)
    const dir = appDir(facts, app)
    // Without --volumes the data and .env stay, so a reinstall finds the same passwords; only the compose file goes.
    const res = await session.exec(volumes ? ['rm', '-rf', '--', dir] : ['rm', '-f', '--', `${dir}/compose.yml`, `${dir}/homeport.json`])
    if (res.code !== 0) throw new HomeportError('INTERNAL', `Could not remove the files of "${app}" on the server.`, { details: res.stderr })
    // Generated passwords go with the data they protect; kept data keeps its passwords.
    if (volumes) for (const name of secretNames) await this.deps.secrets.delete(secretAccount(serverId, app, name))
  }

  async settings(serverId: string, app: string): Promise<AppSettingsDto> {
    const { session, facts } = await this.installer(serverId)
    const def = await definitionFromInstalled(session, facts, app, {})
    const values = envValues(def.definition.env)
    const declared = def.meta.variables?.filter((v) => !v.host)
    const variables = declared?.length
      ? declared.map((v) => ({ name: v.name, label: v.label, secret: v.secret, type: v.type, description: v.description, options: v.options }))
      : Object.keys(values).map((name) => ({ name, label: name, secret: /pass|secret|token|key/i.test(name), type: 'string' }))
    // Secret values stay on the server and in the keychain; the form shows them blank ("keep").
    return { values: Object.fromEntries(variables.map((v) => [v.name, v.secret ? '' : (values[v.name] ?? '')])), variables, compose: def.definition.compose }
  }

  async openTerminal(serverId: string, app: string, service: string, size: { cols: number; rows: number }, owner: string, command?: string[]): Promise<string> {
    return this.terminals.start(await this.deps.docker(serverId), app, service, size, owner, command)
  }

  async logs(serverId: string, app: string, opts: LogOptions) {
    return readLogs(await this.deps.docker(serverId), app, opts)
  }

  async followLogs(serverId: string, app: string, opts: LogOptions, owner: string): Promise<string> {
    const streamId = randomUUID()
    const controller = new AbortController()
    this.logStreams.set(streamId, { controller, owner })
    await followLogs(await this.deps.docker(serverId), app, {
      ...opts,
      signal: controller.signal,
      onLines: (lines) => this.deps.events.emit('apps.logs', { streamId, lines }),
      onEnd: () => {
        this.logStreams.delete(streamId)
        this.deps.events.emit('apps.logs', { streamId, lines: [], ended: true })
      },
    }).catch((err) => {
      this.logStreams.delete(streamId)
      throw err
    })
    return streamId
  }

  stopLogs(streamId: string): void {
    this.logStreams.get(streamId)?.controller.abort()
    this.logStreams.delete(streamId)
  }

  async stats(serverId: string, app: string) {
    return appStats(await this.deps.docker(serverId), app)
  }

  async open(serverId: string, app: string) {
    const key = `${serverId}/${app}`
    const existing = this.forwards.get(key)
    if (existing) return { app, url: existing.url, localPort: existing.localPort, remote: existing.remote }
    const found = await this.get(serverId, app)
    found.web ??= inferWeb(found)
    if (!found.web) throw new HomeportError('NOT_FOUND', `"${app}" has no web page Homeport knows of.`, { hint: 'Apps from the catalog name their web port; for your own compose file, publish the port and open it from the container list.' })
    const session = await this.deps.session(serverId)
    const target = await webTarget(await this.deps.docker(serverId), app, found.web)
    const forward = await openForward(session, app, target, found.web)
    this.forwards.set(key, forward)
    session.once('closed', () => void this.closeForward(serverId, app))
    return { app, url: forward.url, localPort: forward.localPort, remote: forward.remote }
  }

  async closeForward(serverId: string, app: string): Promise<void> {
    const key = `${serverId}/${app}`
    const f = this.forwards.get(key)
    this.forwards.delete(key)
    await f?.close()
  }

  async closeServer(serverId: string): Promise<void> {
    for (const key of [...this.forwards.keys()].filter((k) => k.startsWith(`${serverId}/`))) await this.closeForward(serverId, key.slice(serverId.length + 1))
  }

  forgetClient(owner: string): void {
    for (const [id, s] of this.logStreams) if (s.owner === owner) this.stopLogs(id)
    this.terminals.closeOwnedBy(owner)
  }

  async close(): Promise<void> {
    for (const id of [...this.logStreams.keys()]) this.stopLogs(id)
    this.terminals.closeAll()
    for (const f of this.forwards.values()) await f.close()
    this.forwards.clear()
  }
}

/** For a compose file without catalog metadata: the first service publishing a TCP port, web ports first. */
function inferWeb(app: AppDto): AppDto['web'] {
  const candidates = app.services.flatMap((s) => s.ports.filter((p) => p.type === 'tcp' && p.publicPort).map((p) => ({ service: s.service, port: p.privatePort })))
  const preferred = [80, 8080, 443, 3000, 8000, 8443]
  const pick = candidates.find((c) => preferred.includes(c.port)) ?? candidates[0]
  return pick && { service: pick.service, port: pick.port, path: '/', scheme: pick.port === 443 || pick.port === 8443 ? 'https' : 'http' }
}

function describePlan(p: PreparedApp): string {
  const c = p.plan.containers.map((x) => `${x.action} ${x.name}`).join(', ')
  return `Plan for ${p.plan.project}: ${c || 'nothing to do'}; pull ${p.plan.images.filter((i) => i.pull).map((i) => i.image).join(', ') || 'nothing'}`
}

function progressReporter(ctx: JobContext): (e: ApplyEvent) => void {
  const images = new Map<string, { current: number; total: number }>()
  return (e) => {
    if (e.phase === 'pull') {
      images.set(e.image, { current: e.current, total: e.total })
      const items = [...images.entries()].map(([key, v]) => ({ key, label: `Pull ${key}`, ...v }))
      const total = items.reduce((s, i) => s + i.total, 0)
      ctx.progress(items, total ? items.reduce((s, i) => s + i.current, 0) / total : undefined)
      if (e.done) ctx.log(`Pulled ${e.image}`)
    } else if (e.phase === 'container' && e.status === 'begin') ctx.step(`${e.action[0].toUpperCase()}${e.action.slice(1)} ${e.name}`)
    else if (e.phase === 'wait') ctx.step(`Waiting: ${e.service} needs ${e.condition}`)
    else if (e.phase === 'rollback') ctx.log(`Rolling back: ${e.message}`)
    else if (e.phase === 'network' || e.phase === 'volume') ctx.log(`${e.action === 'create' ? 'Created' : 'Removed'} ${e.phase} ${e.name}`)
  }
}

const CONNECTION_DROP = /socket hang up|ECONNRESET|EPIPE|aborted|not connected|channel/i

/** Planning changes nothing on the server; a raw transport error there is most often the connection dropping. */
function planningFailure(err: unknown, app: string): unknown {
  if (err instanceof HomeportError) return err
  const raw = err instanceof Error ? err.message : String(err)
  if (CONNECTION_DROP.test(raw)) {
    return new HomeportError('CONNECTION_LOST', `The connection to the server was lost while planning "${app}"; nothing was changed.`, { details: raw })
  }
  return new HomeportError('DOCKER_ERROR', `Planning "${app}" failed; nothing was changed: ${raw}`, { details: raw })
}

function explainFailure(err: unknown, app: string, what: 'install' | 'update'): unknown {
  if (err instanceof HomeportError) return err
  const raw = err instanceof Error ? err.message : String(err)
  if (err instanceof ConditionFailedError) {
    return new HomeportError('APP_START_FAILED', `The ${what} of "${app}" failed: ${raw}. Rolled back to ${what === 'update' ? 'the previous version' : 'how the server was before'}.`, { details: raw })
  }
  if (CONNECTION_DROP.test(raw)) {
    return new HomeportError('CONNECTION_LOST', `The connection to the server was lost during the ${what} of "${app}"; what it had changed was rolled back after reconnecting.`, {
      hint: 'Run it again once the connection is stable.',
      details: raw,
    })
  }
  return new HomeportError('DOCKER_ERROR', `The ${what} of "${app}" failed and was rolled back: ${raw}`, { details: raw })
}
