// Monitoring and alerts put together from what the core hands them: the history and alert tables, the
// settings, the alert centre with its rules, the tray feed, and the hooks the core calls when it holds or
// lets go of a server's connection and when a job changes.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { alertsContract } from '../../../shared/contract/alerts.js'
import type { monitorContract } from '../../../shared/contract/monitor.js'
import { AlertCenter } from '../alerts/alert-center.js'
import { AlertPrefs } from '../alerts/alert-prefs.js'
import { alertsHandlers } from '../alerts/handlers.js'
import { onJobUpdate } from '../alerts/job-alerts.js'
import { TrayFeed } from '../alerts/tray-feed.js'
import type { SshSession } from '../connection/types.js'
import type { Docker } from '../docker/docker-access.js'
import type { JobRunner } from '../jobs/job-runner.js'
import type { EventSink, Logger } from '../runtime/types.js'
import { AlertsRepo } from '../store/alerts-repo.js'
import type { Db } from '../store/database.js'
import { MetricsRepo } from '../store/metrics-repo.js'
import type { SettingsRepo } from '../store/settings-repo.js'
import { monitorHandlers } from './handlers.js'
import { MonitorService } from './monitor-service.js'
import { MonitorSettings } from './monitor-settings.js'

export interface MonitoringDeps {
  db: Db
  settings: SettingsRepo
  events: EventSink
  log: Logger
  jobs: JobRunner
  docker: (serverId: string) => Promise<Docker>
  servers: () => { id: string; name: string }[]
  serverName: (serverId: string) => string
  idOf: (idOrName: string) => string
  /** false for a short-lived core (a one-shot CLI command): alerts are kept, connections are not sampled. */
  sampling: boolean
}

export interface Monitoring {
  handlers: HandlersFor<typeof monitorContract> & HandlersFor<typeof alertsContract>
  /** For Sessions: a server's connection is held, or let go. */
  lifecycle: { held(serverId: string, session: SshSession): void; dropped(serverId: string): void }
  /** The alert centre, for rules that read what a server recorded while Homeport was away (scheduled backups). */
  alerts: AlertCenter
  close(): void
}

export function createMonitoring(deps: MonitoringDeps): Monitoring {
  const metrics = new MetricsRepo(deps.db)
  const alertsRepo = new AlertsRepo(deps.db)
  const prefs = new AlertPrefs(deps.settings)
  const center = new AlertCenter({ repo: alertsRepo, prefs, events: deps.events })
  const settings = new MonitorSettings(deps.settings)
  const monitor = new MonitorService({
    docker: deps.docker,
    servers: deps.servers,
    serverName: deps.serverName,
    settings,
    metrics,
    center,
    events: deps.events,
    log: deps.log,
    sampling: deps.sampling,
  })
  const tray = new TrayFeed(center, prefs, () => monitor.trayServers(), deps.events)
  monitor.onTrayChange = () => tray.refresh()
  deps.jobs.on('update', (job) => onJobUpdate(center, job, deps.serverName))
  return {
    handlers: {
      ...monitorHandlers({ monitor, settings, metrics, idOf: deps.idOf }),
      ...alertsHandlers({ center, repo: alertsRepo, prefs, tray, idOf: deps.idOf }),
    },
    lifecycle: { held: (id, session) => monitor.held(id, session), dropped: (id) => monitor.dropped(id) },
    alerts: center,
    close: () => monitor.close(),
  }
}
