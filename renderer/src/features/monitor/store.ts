import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ContainerUsageDto, DiskUsageDto, HistoryRange, HostSampleDto, MethodInput, MonitorConfigDto, ServerOverviewDto } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'
import { runAsync, type AsyncState } from '../../ui/use-async.js'
import { CHARTED_SERIES } from './components/chart-data.js'

/** The fullest disk of a sample, as the core picks it for the tiles. */
function fullest(disks: DiskUsageDto[]): DiskUsageDto | undefined {
  return disks.reduce<DiskUsageDto | undefined>((top, d) => (!top || d.percent > top.percent ? d : top), undefined)
}

// Tiles change with states, alerts and container lists too: the overview is asked for again after such an
// event, at most once a second however many arrive.
const RELOAD_AFTER_MS = 1000

export const useMonitorStore = defineStore('monitor', () => {
  const api = useApi()
  const overview = ref<ServerOverviewDto[]>([])
  const overviewState = ref<AsyncState>({ loading: false })
  const loaded = ref(false)
  /** The latest host sample per server, live from `monitor.sample`. */
  const samples = ref<Record<string, HostSampleDto>>({})
  /** The latest per-container readings per server, live from `monitor.containers`. */
  const containers = ref<Record<string, ContainerUsageDto[]>>({})
  /** The monitoring settings (interval, thresholds), once asked for. */
  const config = ref<MonitorConfigDto>()
  /** Every host sample, for pages that keep a live chart. */
  const sampleListeners = new Set<(sample: HostSampleDto) => void>()
  let reloadTimer: ReturnType<typeof setTimeout> | undefined

  function scheduleReload(): void {
    if (!loaded.value || reloadTimer) return
    reloadTimer = setTimeout(() => {
      reloadTimer = undefined
      void loadOverview({ background: true })
    }, RELOAD_AFTER_MS)
  }

  api.on('monitor.sample', (sample) => {
    samples.value[sample.serverId] = sample
    const tile = overview.value.find((t) => t.serverId === sample.serverId)
    if (tile) {
      tile.latest = sample
      tile.fullestDisk = fullest(sample.disks)
    }
    for (const listener of sampleListeners) listener(sample)
  })
  api.on('monitor.containers', (event) => {
    containers.value[event.serverId] = event.containers
    scheduleReload()
  })
  api.on('monitor.status', (event) => {
    const tile = overview.value.find((t) => t.serverId === event.serverId)
    if (tile) tile.monitoring = event.monitoring
    scheduleReload()
  })
  api.on('server.state', () => scheduleReload())
  api.on('alerts.summary', () => scheduleReload())
  api.onReconnect(() => {
    if (loaded.value) void loadOverview({ background: true })
  })

  async function loadOverview(options: { background?: boolean } = {}): Promise<void> {
    const tiles = await runAsync(overviewState.value, () => api.call('monitor.overview', {}), { keepError: options.background })
    if (!tiles) return
    overview.value = tiles
    loaded.value = true
    for (const tile of tiles) if (tile.latest) samples.value[tile.serverId] = tile.latest
  }

  /** The latest readings of one server (a page opening); the events keep them current afterwards. */
  async function loadLatest(serverId: string): Promise<void> {
    const latest = await api.call('monitor.latest', { serverId })
    if (latest.host) samples.value[serverId] = latest.host
    containers.value[serverId] = latest.containers
  }

  function history(serverId: string, range: HistoryRange) {
    return api.call('monitor.history', { serverId, range, series: CHARTED_SERIES })
  }

  function containerHistory(serverId: string, range: HistoryRange) {
    return api.call('monitor.containerHistory', { serverId, range })
  }

  async function loadConfig(): Promise<void> {
    config.value = await api.call('monitor.settings', {})
  }

  async function configure(patch: MethodInput<'monitor.configure'>): Promise<void> {
    config.value = await api.call('monitor.configure', patch)
  }

  /** A server's own thresholds (null: follow the global one again). */
  async function configureServer(patch: MethodInput<'monitor.configureServer'>): Promise<void> {
    config.value = await api.call('monitor.configureServer', patch)
  }

  /** Calls `listener` with every host sample until the returned function is called. */
  function onSample(listener: (sample: HostSampleDto) => void): () => void {
    sampleListeners.add(listener)
    return () => sampleListeners.delete(listener)
  }

  return { overview, overviewState, loaded, samples, containers, config, loadOverview, loadLatest, history, containerHistory, loadConfig, configure, configureServer, onSample }
})
