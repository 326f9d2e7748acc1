// Plan, install and update: where the definition comes from (a catalog entry, a compose file, or what is
// installed), the plan shown before anything changes, and install/update as jobs that leave either the
// finished app or the server as it was. Secret values go to the keychain; a finished run is `apps.changed`.

import { posix } from 'node:path'
import type { AppSourceInput, PlanDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { readServerFile } from '../connection/sftp.js'
import { projectContainers } from '../docker/project-containers.js'
import type { JobRunner } from '../jobs/job-runner.js'
import type { EventSink, SecretStore } from '../runtime/types.js'
import { appSecretAccount } from '../secrets/accounts.js'
import { definitionFromCatalog, definitionFromCompose, definitionFromInstalled, type DefinitionResult } from './app-definitions.js'
import { applyPrepared, planToDto, prepareApp } from './app-installer.js'
import { appDir, assertAppName, ENV_FILE, listAppDirs } from './app-paths.js'
import { appServer, type AppServer, type ServerAccess } from './app-server.js'
import type { Catalogs } from './catalog/catalogs.js'
import { applyFailure, planningFailure } from './failure-messages.js'
import { describePlan, progressReporter } from './install-progress.js'

export interface InstallDeps {
  servers: ServerAccess
  catalogs: Catalogs
  /** The server's registry mirror, if one is set. */
  mirror(serverId: string): string | undefined
  secrets: SecretStore
  jobs: JobRunner
  events: EventSink
}

type Values = Record<string, string>

/** A compose file's own top-level `name:`, used when no name is given. */
const COMPOSE_NAME = /^name:\s*["']?([^"'\s#]+)["']?\s*$/m

export class InstallService {
  constructor(private readonly deps: InstallDeps) {}

  async plan(serverId: string, source: AppSourceInput, name: string | undefined, values: Values): Promise<PlanDto> {
    const server = await appServer(this.deps.servers, serverId)
    const { definition } = await this.definition(server, source, name, values)
    return planToDto(await prepareApp(server, definition, { mirror: this.deps.mirror(serverId) }))
  }

  async install(serverId: string, source: AppSourceInput, name: string | undefined, values: Values): Promise<{ jobId: string; app: string }> {
    if ('installed' in source) throw new HomeportError('INVALID_INPUT', 'An installed app is updated, not installed.', { hint: 'Use apps.update.' })
    const server = await appServer(this.deps.servers, serverId)
    const def = await this.definition(server, source, name, values)
    const app = def.definition.name
    await this.assertNew(server, app)
    const { id } = this.deps.jobs.start({ kind: 'install', title: `Install ${app}`, serverId }, async (ctx) => {
      ctx.step('Planning')
      const prepared = await prepareApp(server, def.definition, { mirror: this.deps.mirror(serverId) }).catch((err) => {
        throw planningFailure(err, app)
      })
      ctx.log(describePlan(prepared))
      await this.storeSecrets(serverId, app, def.secrets)
      const dirExisted = (await server.session.exec(['test', '-d', prepared.dir])).code === 0
      await applyPrepared(server, prepared, { signal: ctx.signal, onEvent: progressReporter(ctx), dirExisted }).catch((err) => {
        throw applyFailure(err, app, 'install')
      })
      this.deps.events.emit('apps.changed', { serverId, app, change: 'installed' })
      return { status: 'installed', app, containers: prepared.plan.containers.map((c) => c.name) }
    })
    return { jobId: id, app }
  }

  /** No `values`: pull newer images and recreate what changed. With values: apply changed settings. */
  async update(serverId: string, app: string, values: Values | undefined, verifyTimeoutMs?: number): Promise<{ jobId: string; app: string }> {
    const server = await appServer(this.deps.servers, serverId)
    const def = await definitionFromInstalled(server.session, server.facts, app, values ?? {})
    const { id } = this.deps.jobs.start({ kind: 'update', title: `Update ${app}`, serverId }, async (ctx) => {
      ctx.step('Checking for newer images')
      const prepared = await prepareApp(server, def.definition, { mirror: this.deps.mirror(serverId), pullAlways: !values }).catch((err) => {
        throw planningFailure(err, app)
      })
      ctx.log(describePlan(prepared))
      await this.storeSecrets(serverId, app, def.secrets)
      const result = await applyPrepared(server, prepared, {
        signal: ctx.signal,
        onEvent: progressReporter(ctx),
        verify: { timeoutMs: verifyTimeoutMs ?? 60_000, settleMs: 3000 },
        previous: def.previous,
        dirExisted: true,
      }).catch((err) => {
        throw applyFailure(err, app, 'update')
      })
      this.deps.events.emit('apps.changed', { serverId, app, change: 'updated' })
      return { status: 'updated', app, recreated: result.recreated, created: result.created }
    })
    return { jobId: id, app }
  }

  private async definition(server: AppServer, source: AppSourceInput, name: string | undefined, values: Values): Promise<DefinitionResult> {
    const { session, facts } = server
    if ('installed' in source) {
      if (!name) throw new HomeportError('INVALID_INPUT', 'Which installed app? The name is missing.', { hint: 'Give the app name.' })
      return definitionFromInstalled(session, facts, name, values)
    }
    if ('catalogId' in source) {
      const app = await this.deps.catalogs.find(source.catalogId, source.catalog)
      const appName = name ?? app.id
      return definitionFromCatalog(app, appName, values, facts, await this.keptEnv(server, appName))
    }
    const projectName = name ?? COMPOSE_NAME.exec(source.compose)?.[1]
    if (!projectName) throw new HomeportError('INVALID_INPUT', 'The app needs a name.', { hint: 'Pass --name NAME (or put a top-level `name:` in the compose file).' })
    assertAppName(projectName)
    return definitionFromCompose(source.compose, source.env, projectName, values, facts, await this.keptEnv(server, projectName))
  }

  /** The .env an earlier uninstall kept with the data, so a reinstall gets the same generated passwords. */
  private async keptEnv(server: AppServer, name: string): Promise<string | undefined> {
    return readServerFile(server.session, posix.join(appDir(server.facts, name), ENV_FILE)).catch(() => undefined)
  }

  private async assertNew(server: AppServer, name: string): Promise<void> {
    const [dirs, containers] = await Promise.all([listAppDirs(server.session, server.facts), server.docker().then((docker) => projectContainers(docker, name))])
    if (dirs.includes(name) || containers.length) {
      throw new HomeportError('ALREADY_EXISTS', `An app named "${name}" is already on this server.`, {
        hint: 'Choose another name, or update it (`homeport apps update SERVER APP`) or change its settings instead.',
      })
    }
  }

  private async storeSecrets(serverId: string, app: string, secrets: Values): Promise<void> {
    for (const [k, v] of Object.entries(secrets)) await this.deps.secrets.set(appSecretAccount(serverId, app, k), v)
  }
}
