// Monitoring: while a server is connected the core samples its agent (host metrics) and Docker (container
// states, per-container CPU and memory), keeps the history in SQLite at three resolutions, and answers chart
// queries by range. A stretch when the server was not connected stays a gap: null points, never invented ones.

import { z } from 'zod'
import { event, method, out } from './define.js'
import { serverId, ServerIdInput, type ConnectionState } from './servers.js'

/**
 * The host series kept in the history, one value per sample. Units: cpu and diskPct in percent, load1 as
 * the 1-minute load, mem/swap/disk in bytes, diskRead/diskWrite/netRx/netTx in bytes per second, temp in °C.
 */
export const HOST_SERIES = [
  'cpu', 'load1', 'memUsed', 'memTotal', 'swapUsed', 'diskPct', 'diskUsed', 'diskTotal',
  'diskRead', 'diskWrite', 'netRx', 'netTx', 'temp',
] as const
export type HostSeries = (typeof HOST_SERIES)[number]
/** temp is null on a server without sensors; every other series always has a value. */
export type HostValues = Record<HostSeries, number | null>

export interface DiskUsageDto {
  mount: string
  source: string
  fstype: string
  totalBytes: number
  usedBytes: number
  availableBytes: number
  /** Used share of what this user could store, as `df` prints it: used / (used + available). */
  percent: number
}

/** One live sample of a server, as the overview tile and the live edge of the charts show it. */
export interface HostSampleDto {
  serverId: string
  /** Unix seconds on this computer when the sample arrived (the history's clock). */
  time: number
  values: HostValues
  disks: DiskUsageDto[]
  temperatures: { sensor: string; celsius: number }[]
  cpus: number
  uptimeSeconds: number
}

export interface ContainerUsageDto {
  container: string
  /** The Compose project (app) and service, when the container belongs to one. */
  app?: string
  service?: string
  state: string
  /** Percent of one core (200 = two cores busy); null until two readings exist. */
  cpuPercent: number | null
  memoryBytes: number
  memoryLimitBytes: number
}

export interface ContainersUsageEvent {
  serverId: string
  time: number
  containers: ContainerUsageDto[]
}

export const HISTORY_RANGES = ['1h', '24h', '7d', '90d'] as const
export type HistoryRange = (typeof HISTORY_RANGES)[number]
export type HistoryResolution = 'raw' | '1m' | '15m'

/** Columns of numbers, one entry per point in `times` (uPlot's shape); null marks no data. */
export interface SeriesColumns {
  avg: (number | null)[]
  max: (number | null)[]
}

interface HistoryBase {
  serverId: string
  range: HistoryRange
  /** Unix seconds. */
  from: number
  to: number
  /** Where the points come from, and their spacing (raw samples: the sampling interval, roughly). */
  resolution: HistoryResolution
  stepSeconds: number
  times: number[]
  /** Stretches without any sample, [start, end) in unix seconds; their points are null. */
  gaps: [number, number][]
}

export interface HostHistoryDto extends HistoryBase {
  series: Partial<Record<HostSeries, SeriesColumns>>
}

export interface ContainerHistoryDto extends HistoryBase {
  containers: { container: string; app?: string; cpu: SeriesColumns; memory: SeriesColumns }[]
}

export interface MonitorSettingsDto {
  /** Sample connected servers at all. */
  enabled: boolean
  /** Seconds between host samples (the agent's watch interval). */
  intervalSeconds: number
  /** Seconds between per-container CPU/memory readings. */
  containerStatsSeconds: number
  /** How long a connected server may be unreachable before it is an alert. */
  unreachableGraceSeconds: number
  /** Alert thresholds, used where a server has none of its own. */
  diskPercent: number
  memoryPercent: number
  temperatureCelsius: number
}

/** A server's own thresholds; a missing one follows the global setting. */
export interface ServerMonitorSettingsDto {
  enabled?: boolean
  diskPercent?: number
  memoryPercent?: number
  temperatureCelsius?: number
}

export interface MonitorConfigDto extends MonitorSettingsDto {
  servers: Record<string, ServerMonitorSettingsDto>
}

export type MonitorActivity = 'sampling' | 'waiting' | 'off'

/** What an overview tile shows for one server. */
export interface ServerOverviewDto {
  serverId: string
  name: string
  state: ConnectionState
  monitoring: MonitorActivity
  latest?: HostSampleDto
  fullestDisk?: DiskUsageDto
  apps: { running: number; total: number }
  containers: { running: number; total: number }
  alerts: { open: number; worst?: 'info' | 'warning' | 'critical' }
}

export interface MonitorStatusEvent {
  serverId: string
  monitoring: MonitorActivity
  /** Why sampling stopped or could not start (the agent failed, say). */
  error?: { code: string; message: string; hint: string }
}

const percent = z.number().min(1).max(100)
const celsius = z.number().min(20).max(150)

export const MonitorConfigureInput = z.object({
  enabled: z.boolean().optional(),
  intervalSeconds: z.number().int().min(1).max(3600).optional(),
  containerStatsSeconds: z.number().int().min(5).max(3600).optional(),
  unreachableGraceSeconds: z.number().int().min(1).max(86_400).optional(),
  diskPercent: percent.optional(),
  memoryPercent: percent.optional(),
  temperatureCelsius: celsius.optional(),
})

/** null clears a server's own value, so the global one applies again. */
export const MonitorConfigureServerInput = z.object({
  serverId,
  enabled: z.boolean().nullable().optional(),
  diskPercent: percent.nullable().optional(),
  memoryPercent: percent.nullable().optional(),
  temperatureCelsius: celsius.nullable().optional(),
})

const range = z.enum(HISTORY_RANGES)

export const monitorContract = {
  /** One tile per server. */
  'monitor.overview': method(z.object({}), out<ServerOverviewDto[]>()),
  /** The latest host sample and container readings of a server (empty while it is not sampled). */
  'monitor.latest': method(ServerIdInput, out<{ host?: HostSampleDto; containers: ContainerUsageDto[] }>()),
  /** Host history for a chart; `series` narrows the answer (all series when absent). */
  'monitor.history': method(ServerIdInput.extend({ range, series: z.array(z.enum(HOST_SERIES)).min(1).optional() }), out<HostHistoryDto>()),
  'monitor.containerHistory': method(ServerIdInput.extend({ range, container: z.string().min(1).optional() }), out<ContainerHistoryDto>()),
  'monitor.settings': method(z.object({}), out<MonitorConfigDto>()),
  'monitor.configure': method(MonitorConfigureInput, out<MonitorConfigDto>()),
  'monitor.configureServer': method(MonitorConfigureServerInput, out<MonitorConfigDto>()),
} as const

export const monitorEvents = {
  'monitor.sample': event<HostSampleDto>(),
  'monitor.containers': event<ContainersUsageEvent>(),
  'monitor.status': event<MonitorStatusEvent>(),
} as const
