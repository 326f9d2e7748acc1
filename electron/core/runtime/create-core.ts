// Assembles the core from plain values: the store, the keychain, the connection engine, Docker, jobs and the
// question-asker, then merges each domain's handlers into one table (CoreHandlers makes a missing method a
// compile error). Nothing here does a domain's work.

import { randomUUID } from 'node:crypto'
import type { CoreHandlers } from '../../../shared/contract/index.js'
import { appsContract } from '../../../shared/contract/apps.js'
import { filesContract } from '../../../shared/contract/files.js'
import { backupsContract } from '../../../shared/contract/backups.js'
import { deployContract } from '../../../shared/contract/deploy.js'
import { provisionContract } from '../../../shared/contract/provision.js'
import { tasksContract } from '../../../shared/contract/tasks.js'
import { SshConfigFile } from '../connection/ssh-config.js'
import type { ConnectionManager, SshSession, SshTarget } from '../connection/types.js'
import type { DockerServiceFactory } from '../docker/docker-service-shape.js'
import { dockerHandlers } from '../docker/handlers.js'
import { engineHandlers } from '../engine/handlers.js'
import { jobsHandlers } from '../jobs/handlers.js'
import { agentHandlers } from '../agent/handlers.js'
import { provisionHandlers } from '../provision/handlers.js'
import { JobRunner } from '../jobs/job-runner.js'
import { createMonitoring } from '../monitor/monitoring-domain.js'
import { EventPrompter } from '../prompts/event-prompter.js'
import { promptsHandlers } from '../prompts/handlers.js'
import { createSecretStore } from '../secrets/create-secret-store.js'
import { serversHandlers } from '../servers/handlers.js'
import { targetForServer } from '../servers/server-target.js'
import { ServersService } from '../servers/servers-service.js'
import { Sessions } from '../servers/sessions.js'
import { settingsHandlers } from '../settings/handlers.js'
import { openDatabase } from '../store/database.js'
import { AppRunsRepo } from '../store/app-runs-repo.js'
import { JobsRepo } from '../store/jobs-repo.js'
import { ServersRepo } from '../store/servers-repo.js'
import { SettingsRepo } from '../store/settings-repo.js'
import { terminalHandlers } from '../terminal/handlers.js'
import { Terminals } from '../terminal/terminals.js'
import { defaultConnectionManager, defaultDockerFactory } from './engine-defaults.js'
import { Lazy, lazyHandlers } from './lazy.js'
import { LazySecretStore } from './lazy-secret-store.js'
import type { CoreOptions, EventSink, Logger, Prompter, SecretStore } from './types.js'

export interface Core {
  handlers: CoreHandlers
  /** Ends the watches and open questions of a front end that went away (a closed window or socket). */
  forgetClient(clientId: string): Promise<void>
  close(): Promise<void>
}

/** Parts a test or an embedding may swap; production uses the real engine for both. */
export interface CoreParts {
  connections?: ConnectionManager
  dockerFactory?: DockerServiceFactory
  /** false: do not sample connected servers (a one-shot CLI command); alerts are still kept. Default true. */
  sampling?: boolean
}

const silentLog: Logger = { debug() {}, info() {}, warn() {}, error() {} }
const noEvents: EventSink = { emit() {} }

/** The keychain is loaded and probed on the first secret read or write (LazySecretStore), not at start. */
function chooseSecrets(options: CoreOptions, log: Logger, events: EventSink): SecretStore {
  if (options.secrets) return options.secrets
  const lazy: LazySecretStore = new LazySecretStore(async () => {
    const choice = await createSecretStore()
    if (choice.warning) {
      lazy.warning = choice.warning
      log.warn(choice.warning.message, { hint: choice.warning.hint, details: choice.warning.details })
      events.emit('secrets.warning', choice.warning)
    }
    return choice.store
  })
  return lazy
}

export async function createCore(options: CoreOptions, parts: CoreParts = {}): Promise<Core> {
  const log = options.log ?? silentLog
  const events = options.events ?? noEvents
  const db = openDatabase(options.dataDir)
  const repo = new ServersRepo(db)
  const settings = new SettingsRepo(db)
  const jobHistory = new JobsRepo(db)
  jobHistory.markInterrupted(new Date().toISOString())
  const secrets = chooseSecrets(options, log, events)

  const eventPrompter = options.prompts ? undefined : new EventPrompter(events)
  const prompts: Prompter = options.prompts ?? eventPrompter!
  const sshConfig = new SshConfigFile(options.sshConfigPath)
  const connections = parts.connections ?? defaultConnectionManager({ log, knownHostsPath: options.knownHostsPath })
  const dockerFactory = parts.dockerFactory ?? defaultDockerFactory(options.dataDir)

  const targetFor = async (serverId: string): Promise<SshTarget> => {
    const server = servers.find(serverId)
    const pinned = repo.hostKey(server.id)
    // Only reached when nothing is pinned (a row from an older version): ask, then pin what was accepted.
    const confirmHostKey: SshTarget['confirmHostKey'] = async (key) => {
      const accepted = await prompts.ask({
        kind: 'hostKey',
        serverId: server.id,
        title: `Trust ${key.host}:${key.port}?`,
        message: `The ${key.algorithm} key fingerprint of ${key.host}:${key.port} is ${key.fingerprint}. Accept and pin it?`,
        fingerprint: key.fingerprint,
        algorithm: key.algorithm,
        host: key.host,
        port: key.port,
      })
      if (accepted === true) repo.pinHostKey(server.id, key.algorithm, key.fingerprint)
      return accepted === true
    }
    return targetForServer(server, pinned?.fingerprint, { secrets, prompts, sshConfig }, confirmHostKey)
  }

  const sampling = parts.sampling ?? true
  const lifecycle = {
    held: (id: string, s: SshSession) => {
      monitoring.lifecycle.held(id, s)
      // What the server's backup schedules did while Homeport was away: failed or missed runs become alerts.
      // Only where Homeport stays up (window, web host): a one-shot CLI command does not pay for the reads.
      if (!sampling) return
      void import('../backups/schedule-watch.js')
        .then((m) => m.readScheduledRuns(s, id, repo.byId(id)?.name ?? id, monitoring.alerts))
        .catch((err: unknown) => log.warn(`Could not read the scheduled backup runs of ${id}: ${String(err)}`))
      // And what its scheduled tasks did: a failed run becomes an alert.
      void import('../tasks/task-watch.js')
        .then((m) => m.readTaskRuns(s, id, repo.byId(id)?.name ?? id, monitoring.alerts))
        .catch((err: unknown) => log.warn(`Could not read the task runs of ${id}: ${String(err)}`))
    },
    dropped: (id: string) => monitoring.lifecycle.dropped(id),
  }
  const sessions = new Sessions({ connections, dockerFactory, events, log, targetFor, serverName: (id) => repo.byId(id)?.name ?? id, lifecycle })
  const servers: ServersService = new ServersService({ repo, secrets, prompts, connections, sshConfig, log, onRemove: (serverId) => sessions.drop(serverId) })
  const idOf = (idOrName: string) => servers.find(idOrName).id

  const jobs = new JobRunner(jobHistory)
  jobs.on('update', (job) => events.emit('job.update', job))
  // Backups (restic in containers on the server) load with their first call.
  const backups = new Lazy(async () => {
    const [{ BackupsDomain }, { appsPortOver }] = await Promise.all([import('../backups/backups-domain.js'), import('../backups/apps-port.js')])
    const appsPort = appsPortOver(async () => (await apps.get()).handlers, jobs)
    const docker = async (id: string) => (await sessions.docker(id)).docker()
    const targets = {
      find: (idOrName: string) => {
        const server = servers.find(idOrName)
        return { id: server.id, name: server.name, host: server.host, port: server.port, hostKey: repo.hostKey(server.id)?.fingerprint }
      },
      session: (id: string) => sessions.session(id),
      prompts,
    }
    return new BackupsDomain({ session: (id) => sessions.session(id), docker, serverName: (id) => repo.byId(id)?.name ?? id, idOf, jobs, secrets, setting: (key) => settings.get(key), apps: appsPort, targets })
  })
  // The apps domain (catalogs, compose engine, YAML, Ajv) loads with its first call.
  const apps = new Lazy(async () =>
    (await import('../apps/apps-domain.js')).createAppsDomain({
      servers: {
        session: (serverId) => sessions.session(serverId),
        docker: async (serverId) => (await sessions.docker(serverId)).docker(),
        dockerChannels: async (serverId, count) => (await sessions.docker(serverId)).openChannels?.(count),
      },
      idOf,
      settings,
      secrets,
      jobs,
      events,
      catalogDir: options.catalogDir,
      runs: new AppRunsRepo(db),
      log,
      serverName: (id) => repo.byId(id)?.name ?? id,
      beforeUpdate: async (serverId, app, ctx) => {
        const { srv, session } = await (await backups.get()).server(serverId)
        return (await import('../backups/pre-update-backup.js')).snapshotBeforeUpdate(srv, session, app, ctx)
      },
    }),
  )
  const monitoring = createMonitoring({
    db,
    settings,
    events,
    log,
    jobs,
    docker: async (serverId) => (await sessions.docker(serverId)).docker(),
    servers: () => repo.list().map((s) => ({ id: s.id, name: s.name })),
    serverName: (id) => repo.byId(id)?.name ?? id,
    idOf,
    sampling,
  })
  const terminals = new Terminals(
    (terminalId, data) => events.emit('terminal.output', { terminalId, data }),
    (terminalId, code) => events.emit('terminal.exit', { terminalId, code }),
  )

  // Provisioning (and the ssh2 probes it makes) loads with its first call.
  const provision = new Lazy(async () =>
    new (await import('../provision/provision-service.js')).ProvisionService({
      dataDir: options.dataDir,
      secrets,
      connections,
      jobs,
      prompts,
      server: (id) => servers.find(id),
      hostKey: (id) => repo.hostKey(id)?.fingerprint,
      updateAuth: (id, auth) => repo.updateAuth(id, auth),
      targetFor,
      session: (id) => sessions.session(id),
      drop: (id) => sessions.drop(id),
      dockerInfo: async (id) => (await sessions.docker(id)).info(),
    }),
  )

  const handlers: CoreHandlers = {
    ...serversHandlers({ servers, sessions, repo, sshConfig, secrets, dataDir: options.dataDir }),
    ...dockerHandlers({ sessions, idOf, serverName: (id) => repo.byId(id)?.name ?? id }),
    ...engineHandlers({ docker: async (id) => (await sessions.docker(id)).docker(), idOf, serverName: (id) => repo.byId(id)?.name ?? id }),
    ...promptsHandlers(eventPrompter),
    ...settingsHandlers(settings, events),
    ...lazyHandlers(Object.keys(appsContract) as (keyof typeof appsContract)[], async () => (await apps.get()).handlers),
    ...terminalHandlers({
      terminals,
      idOf,
      containerFor: async (serverId, app, service) => (await apps.get()).containerFor(serverId, app, service),
      docker: async (id) => (await sessions.docker(id)).docker(),
      session: (id) => sessions.session(id),
      serverName: (id) => repo.byId(id)?.name ?? id,
    }),
    ...jobsHandlers({ jobs, idOf }),
    ...agentHandlers({ session: (id) => sessions.session(id), idOf }),
    ...lazyHandlers(Object.keys(provisionContract) as (keyof typeof provisionContract)[], async () => provisionHandlers({ provision: await provision.get(), idOf })),
    // Files (SFTP transfers, volume archives) load with their first call.
    ...lazyHandlers(Object.keys(filesContract) as (keyof typeof filesContract)[], async () => {
      const [{ FilesDomain }, { filesHandlers }] = await Promise.all([import('../files/files-domain.js'), import('../files/handlers.js')])
      const docker = async (id: string) => (await sessions.docker(id)).docker()
      const serverName = (id: string) => repo.byId(id)?.name ?? id
      return filesHandlers(new FilesDomain({ session: (id) => sessions.session(id), docker, serverName, idOf, jobs, prompts, setting: (key) => settings.get(key) }))
    }),
    ...lazyHandlers(Object.keys(backupsContract) as (keyof typeof backupsContract)[], async () => (await import('../backups/handlers.js')).backupsHandlers(await backups.get())),
    // Deploys (builds, the proxy, version swaps) load with their first call.
    ...lazyHandlers(Object.keys(deployContract) as (keyof typeof deployContract)[], async () => {
      const [{ DeployDomain }, { deployHandlers }] = await Promise.all([import('../deploy/deploy-domain.js'), import('../deploy/handlers.js')])
      const docker = async (id: string) => (await sessions.docker(id)).docker()
      return deployHandlers(new DeployDomain({ session: (id) => sessions.session(id), docker, serverName: (id) => repo.byId(id)?.name ?? id, idOf, jobs, setting: (key) => settings.get(key) }))
    }),
    // Scheduled tasks load with their first call.
    ...lazyHandlers(Object.keys(tasksContract) as (keyof typeof tasksContract)[], async () =>
      (await import('../tasks/handlers.js')).tasksHandlers({
        session: (id) => sessions.session(id),
        idOf,
        serverName: (id) => repo.byId(id)?.name ?? id,
        apps: async (id) => (await apps.get()).handlers['apps.list']({ serverId: id }, { clientId: 'tasks' }),
        jobs,
      }),
    ),
    ...monitoring.handlers,
  }

  let closed = false
  return {
    handlers,
    forgetClient: async (clientId) => {
      apps.loaded?.forgetClient(clientId)
      terminals.closeOwnedBy(clientId)
      await sessions.forgetClient(clientId)
    },
    async close() {
      if (closed) return
      closed = true
      eventPrompter?.cancelAll()
      terminals.closeAll()
      await (await apps.settled())?.close()
      monitoring.close()
      await sessions.closeAll()
      await connections.closeAll()
      db.close()
    },
  }
}

/** A fresh client id for front ends with a single caller (the CLI, tests). */
export function newClientId(): string {
  return randomUUID()
}
