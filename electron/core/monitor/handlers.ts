// The monitor part of the contract: tiles, the latest readings, chart history and the settings.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { monitorContract } from '../../../shared/contract/monitor.js'
import type { MetricsRepo } from '../store/metrics-repo.js'
import { containerHistory, hostHistory } from './history.js'
import type { MonitorService } from './monitor-service.js'
import type { MonitorSettings } from './monitor-settings.js'

export interface MonitorHandlersDeps {
  monitor: MonitorService
  settings: MonitorSettings
  metrics: MetricsRepo
  idOf: (idOrName: string) => string
  now?: () => number
}

export function monitorHandlers({ monitor, settings, metrics, idOf, now = Date.now }: MonitorHandlersDeps): HandlersFor<typeof monitorContract> {
  const seconds = () => now() / 1000
  return {
    'monitor.overview': async () => monitor.overview(),
    'monitor.latest': async ({ serverId }) => monitor.latest(idOf(serverId)),
    'monitor.history': async ({ serverId, range, series }) => {
      const id = idOf(serverId)
      return hostHistory(metrics, id, range, series, seconds(), settings.forServer(id).intervalSeconds)
    },
    'monitor.containerHistory': async ({ serverId, range, container }) => containerHistory(metrics, idOf(serverId), range, container, seconds()),
    'monitor.settings': async () => settings.config(),
    'monitor.configure': async (patch) => settings.configure(patch),
    'monitor.configureServer': async ({ serverId, ...patch }) => settings.configureServer(idOf(serverId), patch),
  }
}
