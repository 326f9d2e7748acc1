// Plan, install and update: where the definition comes from (a catalog entry, a compose file, or what is
// installed), the plan shown before anything changes, and install/update as jobs under the app's lock on
// the server, which leave either the finished app or the server as it was (checked), or say what is not.
// An app that gets the host itself (privileged, host network, Docker socket…) needs the person's consent.
// Secret values go to the keychain; a finished run is `apps.changed`.

import { randomUUID } from 'node:crypto'
import { posix } from 'node:path'
import type { AppSourceInput, JobResults, PlanDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { composeFileName } from '../../../shared/names.js'
import { loadCompose } from '../compose/index.js'
import { COMPOSE_FILE } from '../compose/engine/container-spec.js'
import { describeRisks, hostAccessRisks, newRisks } from '../compose/engine/host-access.js'
import type { WaitOptions } from '../compose/engine/wait.js'
import { isServerOutOfReach } from '../connection/connection-lost.js'
import { readServerFile } from '../connection/sftp.js'
import { waitForServer } from '../connection/wait-for-server.js'
import { projectContainers } from '../docker/project-containers.js'
import type { JobContext, JobRunner } from '../jobs/job-runner.js'
import type { EventSink, Logger, SecretStore } from '../runtime/types.js'
import { appSecretAccount } from '../secrets/accounts.js'
import type { AppRunsRepo } from '../store/app-runs-repo.js'
import { buildAppImages, buildsImages, rememberBuildDir } from './app-builds.js'
import { definitionFromCatalog, definitionFromCompose, definitionFromInstalled, type AppDefinition, type DefinitionResult, type InstalledEdits } from './app-definitions.js'
import { planToDto, prepareApp, type PreparedApp } from './app-installer.js'
import { JOURNAL_FILE, localHolder, type AppLock } from './app-lock.js'
import { appDir, assertAppName, ENV_FILE, hasComposeFile } from './app-paths.js'
import { RunFailure, runApp } from './app-run.js'
import { readAppSecrets, usesSecretFiles } from './app-secrets.js'
import { appServer, type AppServer } from './app-server.js'
import type { Catalogs } from './catalog/catalogs.js'
import { planningFailure, runFailure } from './failure-messages.js'
import { describePlan, progressReporter } from './install-progress.js'
import { logReconnects } from './job-reconnects.js'
import { finishRun, type ResumingAccess } from './run-resume.js'
import { RunJournalStore } from './run-journal.js'

export interface InstallDeps {
  servers: ResumingAccess
  catalogs: Catalogs
  /** The server's registry mirror, if one is set. */
  mirror(serverId: string): string | undefined
  secrets: SecretStore
  jobs: JobRunner
  events: EventSink
  runs: AppRunsRepo
  log: Logger
  /** The server's name as the person knows it, for messages. */
  serverName(serverId: string): string
  /** Before an update changes anything: a backup of the app when it has a backup policy (the snapshot to restore from if the update fails). */
  beforeUpdate?(serverId: string, app: string, ctx: JobContext): Promise<{ snapshotId: string; repository: string } | undefined>
}

type Values = Record<string, string>

/**
 * Docker requests an install sends at once while it plans: the name check, the port check, the containers,
 * networks and volumes, and the images of a few services. Their channels open while the lock is taken.
 */
const PLANNING_CHANNELS = 7

/** The host access a definition asks for; a definition that does not load has none to ask about (planning reports why). */
function risksOf(def: AppDefinition, server: AppServer) {
  try {
    const { project } = loadCompose({ yamlText: def.compose, envFileText: def.env, projectName: def.name, projectDir: appDir(server.facts, def.name), serverHome: server.facts.home })
    return hostAccessRisks(project)
  } catch {
    return []
  }
}

/** Whether the app needs its compose file's folder on this computer again later (to build, or to read secret files). */
function needsFolder(server: AppServer, def: AppDefinition): boolean {
  return buildsImages(server, def) || usesSecretFiles(server, def)
}

function requireConsent(app: string, risks: ReturnType<typeof hostAccessRisks>, accepted: boolean | undefined): void {
  if (!risks.length || accepted) return
  const kinds = [...new Set(risks.map((r) => r.detail))].join(', ')
  throw new HomeportError('HOST_ACCESS_NOT_ACCEPTED', `"${app}" asks for access to the server itself (${kinds}); it was not installed.`, { details: describeRisks(risks) })
}

export class InstallService {
  constructor(private readonly deps: InstallDeps) {}

  async plan(serverId: string, source: AppSourceInput, name: string | undefined, values: Values): Promise<PlanDto> {
    const server = await appServer(this.deps.servers, serverId)
    const app = await this.appName(source, name)
    const { definition } = await this.definition(server, source, app, values)
    return planToDto(await prepareApp(server, definition, { mirror: this.deps.mirror(serverId) }))
  }

  async install(serverId: string, source: AppSourceInput, name: string | undefined, values: Values, acceptHostAccess?: boolean): Promise<{ jobId: string; app: string }> {
    if (source.installed) throw new HomeportError('INVALID_INPUT', 'An installed app is updated, not installed.', { hint: 'Use apps.update.' })
    const app = await this.appName(source, name)
    // The SFTP channel and Docker's open while the lock is taken: the run's first reads need them.
    const { server, lock } = await this.deps.servers.lockApp(serverId, app, localHolder('install', randomUUID()), [JOURNAL_FILE, COMPOSE_FILE, ENV_FILE], (session) => {
      session.sftp().catch(() => undefined)
      this.deps.servers.dockerChannels?.(serverId, PLANNING_CHANNELS).catch(() => undefined)
    })
    return this.underLock(server, lock, async () => {
      const buildDir = 'buildDir' in source ? source.buildDir : undefined
      // Files not in the app's folder when the lock was taken are not asked for.
      const read = this.definition(server, source, app, values, lock)
      // Planning only reads, so it goes out beside the check that the name is free rather than after it; an
      // app whose images are built first is planned after the build (the plan needs the built images).
      const planned = read.then(async (def) => {
        const definition = buildDir && needsFolder(server, def.definition) ? rememberBuildDir(def.definition, def.meta, buildDir) : def.definition
        // Read before the job starts: a missing secret leaves nothing behind on the server.
        const secrets = await readAppSecrets(server, definition, buildDir)
        const early = buildsImages(server, definition) ? undefined : prepareApp(server, definition, { mirror: this.deps.mirror(serverId), secrets })
        early?.catch(() => undefined)
        return { definition, secrets, early }
      })
      planned.catch(() => undefined)
      // A definition that does not load is told before a name that is taken.
      const [loaded, fresh] = await Promise.allSettled([read, this.assertNew(server, app, lock)])
      if (loaded.status === 'rejected') throw loaded.reason
      const def = loaded.value
      requireConsent(app, risksOf(def.definition, server), acceptHostAccess)
      if (fresh.status === 'rejected') throw fresh.reason
      const { definition, secrets, early } = await planned
      return this.startJob(server, lock, 'install', async (ctx) => {
        await buildAppImages(server, definition, { buildDir, serverName: this.deps.serverName(serverId), ctx })
        ctx.step('Planning')
        const prepared = await (early ?? prepareApp(server, definition, { mirror: this.deps.mirror(serverId), secrets })).catch((err) => {
          throw planningFailure(err, app)
        })
        ctx.log(describePlan(prepared))
        await this.storeSecrets(serverId, app, def.secrets)
        await this.run(server, prepared, lock, ctx, 'install')
        this.deps.events.emit('apps.changed', { serverId, app, change: 'installed' })
        return { status: 'installed', app, containers: prepared.plan.containers.map((c) => c.name) }
      })
    })
  }

  /**
   * No `values` and no `edits`: pull newer images and recreate what changed. With values: apply changed settings.
   * With edits: the edited compose file and .env replace the stored ones (rolled back with the rest on failure).
   * Images of `build:` services are rebuilt first (from `edits.buildDir`, else the folder remembered at install).
   */
  async update(serverId: string, app: string, values: Values | undefined, verifyTimeoutMs?: number, acceptHostAccess?: boolean, edits: InstalledEdits = {}): Promise<{ jobId: string; app: string }> {
    const edited = edits.compose !== undefined || edits.env !== undefined
    const { server, lock } = await this.deps.servers.lockApp(serverId, app, localHolder('update', randomUUID()), [], (session) => session.sftp().catch(() => undefined))
    return this.underLock(server, lock, async () => {
      const def = await definitionFromInstalled(server.session, server.facts, app, values ?? {}, edits)
      requireConsent(app, newRisks(risksOf(def.definition, server), risksOf(def.previous, server)), acceptHostAccess)
      const buildDir = edits.buildDir ?? def.meta.buildDir
      const definition = edits.buildDir && needsFolder(server, def.definition) ? rememberBuildDir(def.definition, def.meta, edits.buildDir) : def.definition
      const secrets = await readAppSecrets(server, definition, buildDir)
      return this.startJob(server, lock, 'update', async (ctx) => {
        await buildAppImages(server, definition, { buildDir, serverName: this.deps.serverName(serverId), ctx })
        ctx.step('Checking for newer images')
        const prepared = await prepareApp(server, definition, { mirror: this.deps.mirror(serverId), pullAlways: !values && !edited, secrets }).catch((err) => {
          throw planningFailure(err, app)
        })
        ctx.log(describePlan(prepared))
        const snapshot = prepared.plan.upToDate ? undefined : await this.deps.beforeUpdate?.(serverId, app, ctx)
        await this.storeSecrets(serverId, app, def.secrets)
        const result = await this.run(server, prepared, lock, ctx, 'update', { timeoutMs: verifyTimeoutMs ?? 60_000, settleMs: 3000 }).catch((err: unknown) => {
          if (!snapshot || !(err instanceof HomeportError)) throw err
          const restore = `The backup taken before the update is snapshot ${snapshot.snapshotId} in repository ${snapshot.repository}.`
          throw new HomeportError(err.code, `${err.message} ${restore}`, { hint: `${err.hint} To go back to the data as it was, restore snapshot ${snapshot.snapshotId} on the Backups page.`, cliHint: `${err.cliHint ?? err.hint} To go back to the data as it was: \`homeport backups restore SERVER ${app} ${snapshot.snapshotId}\`.`, details: err.details, cause: err })
        })
        if (prepared.plan.upToDate || result.recreated.length + result.created.length === 0) {
          ctx.step('Already up to date')
          ctx.log(`${app} is already up to date: no newer image and no changed setting, nothing was recreated.`)
          return { status: 'up-to-date', app, recreated: [], created: [] }
        }
        this.deps.events.emit('apps.changed', { serverId, app, change: 'updated' })
        return { status: 'updated', app, recreated: result.recreated, created: result.created }
      })
    })
  }

  /**
   * Runs `start` with the app's lock held; an earlier run of the app that did not finish is finished first.
   * If no job takes the lock over, it is let go here (and the folder made only to hold it is removed).
   */
  private async underLock<T>(server: AppServer, lock: AppLock, start: () => Promise<T>): Promise<T> {
    let started = false
    try {
      const earlier = await finishRun(server, lock.dir, { runs: this.deps.runs, log: this.deps.log, events: this.deps.events }, lock)
      if (earlier && earlier.kind !== 'verified') {
        throw new HomeportError('ROLLBACK_INCOMPLETE', `An earlier run on "${lock.app}" left the app half-changed and its rollback is not complete; nothing new was started.`, {
          details: JSON.stringify(earlier),
        })
      }
      const result = await start()
      started = true
      return result
    } finally {
      if (!started) await this.letGo(server, lock)
    }
  }

  /**
   * Ends a lock with no run behind it: a folder that did not exist holds nothing but the lock, and goes. After
   * a drop the lock is taken back first (nobody else may be using the folder by then), waiting for the server
   * a little; if it does not come back the empty folder stays, harmless.
   */
  private async letGo(server: AppServer, lock: AppLock): Promise<void> {
    for (let attempt = 0; attempt < 3 && !lock.dirExisted; attempt++) {
      try {
        await lock.ensure()
        await lock.removeFolderIfEmpty()
        break
      } catch (err) {
        if (!isServerOutOfReach(err)) break
        await waitForServer(server.session, Date.now() + 20_000).catch(() => undefined)
      }
    }
    await lock.release()
  }

  private startJob<K extends 'install' | 'update'>(server: AppServer, lock: AppLock, kind: K, work: (ctx: JobContext) => Promise<JobResults[K]>): { jobId: string; app: string } {
    const app = lock.app
    const { id } = this.deps.jobs.start({ kind, title: `${kind === 'install' ? 'Install' : 'Update'} ${app}`, serverId: server.serverId }, async (ctx) => {
      const stopLogging = logReconnects(server.session, (line) => ctx.log(line))
      let ran = false
      try {
        const result = await work(ctx)
        ran = true
        return result
      } catch (err) {
        ran = err instanceof HomeportError && err.cause instanceof RunFailure
        throw err
      } finally {
        stopLogging()
        if (ran) await lock.release()
        else await this.letGo(server, lock)
      }
    })
    return { jobId: id, app }
  }

  private async run(server: AppServer, prepared: PreparedApp, lock: AppLock, ctx: JobContext, what: 'install' | 'update', verify?: WaitOptions) {
    const app = prepared.definition.name
    const store = new RunJournalStore(server.session, this.deps.runs, lock)
    try {
      return await runApp(server, prepared, lock, store, { kind: what, signal: ctx.signal, onEvent: progressReporter(ctx), log: (line) => ctx.log(line), verify })
    } catch (err) {
      if (!(err instanceof RunFailure)) throw planningFailure(err, app)
      const failure = runFailure(err.failure, err.outcome, { app, what, serverName: this.deps.serverName(server.serverId), cancelled: ctx.signal.aborted })
      throw new HomeportError(failure.code, failure.message, { hint: failure.hint, cliHint: failure.cliHint, details: failure.details, cause: err })
    }
  }

  private async appName(source: AppSourceInput, name: string | undefined): Promise<string> {
    if (source.installed) {
      if (!name) throw new HomeportError('INVALID_INPUT', 'Which installed app? The name is missing.', { hint: 'Give the app name.' })
      return name
    }
    if ('catalogId' in source) return name ?? (await this.deps.catalogs.find(source.catalogId, source.catalog)).id
    const projectName = name ?? composeFileName(source.compose)
    if (!projectName) throw new HomeportError('INVALID_INPUT', 'The app needs a name.', { hint: 'Enter an app name.', cliHint: 'Pass --name NAME (or put a top-level `name:` in the compose file).' })
    assertAppName(projectName)
    return projectName
  }

  /** `lock`: the app's, when held (the kept .env is read through it). */
  private async definition(server: AppServer, source: AppSourceInput, app: string, values: Values, lock?: AppLock): Promise<DefinitionResult> {
    const { session, facts } = server
    if (source.installed) return definitionFromInstalled(session, facts, app, values, { compose: source.compose, env: source.env })
    const kept = await this.keptEnv(server, app, lock)
    if ('catalogId' in source) return definitionFromCatalog(await this.deps.catalogs.find(source.catalogId, source.catalog), app, values, facts, kept)
    return definitionFromCompose(source.compose, source.env, app, values, facts, kept)
  }

  /** The .env an earlier uninstall kept with the data, so a reinstall gets the same generated passwords. */
  private async keptEnv(server: AppServer, name: string, lock?: AppLock): Promise<string | undefined> {
    const read = lock ? lock.readBefore(ENV_FILE).then((file) => file?.data.toString('utf8')) : readServerFile(server.session, posix.join(appDir(server.facts, name), ENV_FILE))
    return read.catch(() => undefined)
  }

  private async assertNew(server: AppServer, name: string, lock: AppLock): Promise<void> {
    const [installed, containers] = await Promise.all([lock.mayHold(COMPOSE_FILE) && hasComposeFile(server.session, server.facts, name), server.docker().then((docker) => projectContainers(docker, name))])
    if (installed || containers.length) {
      throw new HomeportError('ALREADY_EXISTS', `An app named "${name}" is already on this server.`, {
        hint: 'Choose another name, or open the installed app and change its settings there.',
        cliHint: 'Choose another name, or update it (`homeport apps update SERVER APP`) or change its settings instead.',
      })
    }
  }

  private async storeSecrets(serverId: string, app: string, secrets: Values): Promise<void> {
    for (const [k, v] of Object.entries(secrets)) await this.deps.secrets.set(appSecretAccount(serverId, app, k), v)
  }
}
