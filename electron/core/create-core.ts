// Assembles the core from plain values: the store, the keychain, the connection engine, Docker, and the
// question-asker. Every contract method is implemented here (CoreHandlers makes a missing one a compile
// error); the work itself lives in servers/, store/, secrets/, connection/ and docker/.

import { randomUUID } from 'node:crypto'
import type { CallContext, CoreHandlers } from '../../shared/contract.js'
import type { ServerStateEvent } from '../../shared/dto.js'
import { HomeportError } from '../../shared/errors.js'
import type { CoreOptions, EventSink, Logger, Prompter, SecretStore } from './core-types.js'
import { SshConfigFile } from './connection/ssh-config.js'
import type { ConnectionManager, SshTarget } from './connection/types.js'
import { EventPrompter } from './prompts/event-prompter.js'
import { createSecretStore } from './secrets/create-secret-store.js'
import type { DockerServiceFactory } from './servers/docker-service-shape.js'
import { targetForServer } from './servers/server-target.js'
import { ServersService } from './servers/servers-service.js'
import { Sessions } from './servers/sessions.js'
import { openDatabase } from './store/database.js'
import { ServersRepo } from './store/servers-repo.js'
import { SettingsRepo } from './store/settings-repo.js'
import { APP_VERSION } from './servers/app-version.js'
import { defaultConnectionManager, defaultDockerFactory } from './servers/engine-defaults.js'
import { AppsService } from './apps/apps-service.js'
import { bundledCatalogDir, Catalogs } from './apps/app-definitions.js'
import { JobRunner } from './jobs/job-runner.js'
import { appsHandlers } from './apps/apps-handlers.js'

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
}

const silentLog: Logger = { debug() {}, info() {}, warn() {}, error() {} }
const noEvents: EventSink = { emit() {} }

export async function createCore(options: CoreOptions, parts: CoreParts = {}): Promise<Core> {
  const log = options.log ?? silentLog
  const events = options.events ?? noEvents
  const db = openDatabase(options.dataDir)
  const repo = new ServersRepo(db)
  const settings = new SettingsRepo(db)

  let secrets: SecretStore
  if (options.secrets) {
    secrets = options.secrets
  } else {
    const choice = await createSecretStore()
    secrets = choice.store
    if (choice.warning) {
      log.warn(choice.warning.message, { hint: choice.warning.hint, details: choice.warning.details })
      events.emit('secrets.warning', { message: choice.warning.message, hint: choice.warning.hint })
    }
  }

  const eventPrompter = options.prompts ? undefined : new EventPrompter(events)
  const prompts: Prompter = options.prompts ?? eventPrompter!
  const sshConfig = new SshConfigFile(options.sshConfigPath)
  const connections = parts.connections ?? defaultConnectionManager({ log, knownHostsPath: options.knownHostsPath })
  const dockerFactory = parts.dockerFactory ?? defaultDockerFactory

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

  const sessions = new Sessions({ connections, dockerFactory, events, log, targetFor, serverName: (id) => repo.byId(id)?.name ?? id })
  const servers: ServersService = new ServersService({
    repo,
    secrets,
    prompts,
    connections,
    sshConfig,
    log,
    onRemove: (serverId) => sessions.drop(serverId),
  })

  const idOf = (idOrName: string) => servers.find(idOrName).id
  const jobs = new JobRunner()
  const mirrorKey = (serverId: string) => `server:${serverId}:registryMirror`
  const apps = new AppsService({
    session: (serverId) => sessions.session(idOf(serverId)),
    docker: async (serverId) => (await sessions.docker(idOf(serverId))).docker(),
    mirror: (serverId) => (settings.get(mirrorKey(idOf(serverId))) as string | undefined) ?? undefined,
    secrets,
    jobs,
    events,
    catalogs: new Catalogs(bundledCatalogDir(options.catalogDir)),
  })

  const handlers: CoreHandlers = {
    'app.info': async () => ({ version: APP_VERSION, secretStore: secrets.kind, dataDir: options.dataDir }),

    'servers.list': async () => servers.list(),
    'servers.add': async (input) => servers.add(input),
    'servers.remove': async ({ id }) => servers.remove(id),
    'servers.get': async ({ id }) => servers.toDto(servers.find(id)),
    'servers.probeHostKey': async (input) => servers.probeHostKey(input),
    'servers.replaceHostKey': async ({ id, hostKey }) => servers.replaceHostKey(id, hostKey),
    'servers.connect': async ({ id }) => sessions.connect(idOf(id)),
    'servers.disconnect': async ({ id }) => sessions.drop(idOf(id)),
    'servers.test': async ({ id }) => {
      const server = servers.find(id)
      const session = await sessions.session(server.id)
      const latencyMs = await sessions.roundTripMs(server.id)
      const info = await (await sessions.docker(server.id)).info()
      return {
        name: server.name,
        hostKey: session.hostKey?.fingerprint ?? repo.hostKey(server.id)?.fingerprint ?? '',
        latencyMs,
        docker: { version: info.version, apiVersion: info.apiVersion, socket: info.socket, transport: info.transport },
      }
    },
    'servers.states': async () => repo.list().map((s): ServerStateEvent => sessions.state(s.id)),

    'sshConfig.hosts': async () => sshConfig.listHosts(),

    'docker.info': async ({ serverId }) => (await sessions.docker(idOf(serverId))).info(),
    'docker.containers': async ({ serverId, all }) => (await sessions.docker(idOf(serverId))).listContainers({ all }),
    'docker.watch': async ({ serverId }, ctx: CallContext) => sessions.watch(idOf(serverId), ctx.clientId),
    'docker.unwatch': async ({ serverId }, ctx: CallContext) => sessions.unwatch(idOf(serverId), ctx.clientId),

    'prompts.answer': async ({ id, value }) => {
      if (!eventPrompter) {
        throw new HomeportError('NOT_FOUND', `No open question with id "${id}".`, { hint: 'This front end answers questions itself.' })
      }
      eventPrompter.answer(id, value)
    },

    'settings.get': async ({ key }) => settings.get(key),
    'settings.set': async ({ key, value }) => settings.set(key, value),

    ...appsHandlers({ apps, jobs, idOf, setMirror: (id, mirror) => settings.set(mirrorKey(id), mirror ?? undefined), getMirror: (id) => (settings.get(mirrorKey(id)) as string | undefined) ?? null }),
  }

  let closed = false
  return {
    handlers,
    forgetClient: async (clientId) => {
      apps.forgetClient(clientId)
      await sessions.forgetClient(clientId)
    },
    async close() {
      if (closed) return
      closed = true
      eventPrompter?.cancelAll()
      await apps.close()
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
