// The apps domain put together from what the core hands it: catalogs, plan/install/update, lifecycle,
// settings form, logs, stats, forwards and registry mirrors, bound to the contract. Terminals live in
// terminal/; the apps domain only tells them which container an app's service runs in.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { appsContract } from '../../../shared/contract/apps.js'
import type { JobRunner } from '../jobs/job-runner.js'
import type { EventSink, Logger, SecretStore } from '../runtime/types.js'
import type { AppRunsRepo } from '../store/app-runs-repo.js'
import type { SettingsRepo } from '../store/settings-repo.js'
import type { TerminalTarget } from '../terminal/handlers.js'
import { runningService } from './app-containers.js'
import type { ServerAccess } from './app-server.js'
import { bundledCatalogDir, Catalogs } from './catalog/catalogs.js'
import { Forwards } from './forwards.js'
import { appsHandlers } from './handlers.js'
import { InstallService, type InstallDeps } from './install-service.js'
import { AppLifecycle } from './lifecycle.js'
import { LogStreams } from './log-streams.js'
import { RegistryMirrors } from './registry-mirrors.js'
import { resumingAccess } from './run-resume.js'
import { pageTarget } from './web-target.js'

export interface AppsDomainDeps {
  servers: ServerAccess
  /** Server id from an id or a name (the CLI passes names): the handlers resolve it once per call. */
  idOf: (idOrName: string) => string
  settings: SettingsRepo
  secrets: SecretStore
  jobs: JobRunner
  events: EventSink
  /** The bundled catalog; found in resources/ when absent. */
  catalogDir?: string
  /** This laptop's copies of the journals of unfinished runs. */
  runs: AppRunsRepo
  log?: Logger
  /** The server's name as the person knows it, for messages. */
  serverName?: (serverId: string) => string
  /** A backup of an app with a backup policy, taken before an update changes anything. */
  beforeUpdate?: InstallDeps['beforeUpdate']
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} }

export interface AppsDomain {
  handlers: HandlersFor<typeof appsContract>
  /** The running container of an app's service, for a terminal in it. */
  containerFor(serverId: string, app: string, service: string): Promise<TerminalTarget>
  /** A front end went away: stop the log streams it followed. */
  forgetClient(owner: string): void
  close(): Promise<void>
}

export function createAppsDomain(deps: AppsDomainDeps): AppsDomain {
  const { events, runs } = deps
  const log = deps.log ?? silent
  // Every apps call reaches the server through this: the first on a new connection finishes interrupted runs.
  const servers = resumingAccess(deps.servers, { runs, log, events })
  const mirrors = new RegistryMirrors(deps.settings)
  const forwards: Forwards = new Forwards({
    session: (serverId) => servers.session(serverId),
    target: async (serverId, app) => pageTarget(await servers.docker(serverId), await lifecycle.get(serverId, app)),
    events,
  })
  const lifecycle = new AppLifecycle({ servers, forwards, secrets: deps.secrets, events, runs, log })
  const catalogs = new Catalogs(bundledCatalogDir(deps.catalogDir))
  const install = new InstallService({
    servers,
    catalogs,
    mirror: (serverId) => mirrors.get(serverId),
    secrets: deps.secrets,
    jobs: deps.jobs,
    events,
    runs,
    log,
    serverName: deps.serverName ?? ((serverId) => serverId),
    ...(deps.beforeUpdate ? { beforeUpdate: deps.beforeUpdate } : {}),
  })
  const logs = new LogStreams({ docker: (serverId) => servers.docker(serverId), session: (serverId) => servers.session(serverId), events })
  return {
    handlers: appsHandlers({ idOf: deps.idOf, servers, catalogs, install, lifecycle, logs, forwards, mirrors }),
    async containerFor(serverId, app, service) {
      const docker = await servers.docker(serverId)
      return { docker, containerId: (await runningService(docker, app, service)).Id }
    },
    forgetClient: (owner) => logs.forgetClient(owner),
    async close() {
      logs.closeAll()
      await forwards.closeAll('shutdown')
    },
  }
}
