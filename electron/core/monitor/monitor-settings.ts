// Monitoring settings: global values with defaults, and per-server overrides, kept as one JSON value in the
// settings table. Read on every use (one small row), so a value written by another front end applies too;
// changes made here are also announced, so running samplers pick up a new interval at once.

import { z } from 'zod'
import { MonitorConfigureInput, type MonitorConfigDto, type MonitorSettingsDto, type ServerMonitorSettingsDto } from '../../../shared/contract/monitor.js'
import type { SettingsRepo } from '../store/settings-repo.js'
import type { Thresholds } from '../alerts/host-rules.js'

const KEY = 'monitor'

export const MONITOR_DEFAULTS: MonitorSettingsDto = {
  enabled: true,
  intervalSeconds: 5,
  containerStatsSeconds: 30,
  unreachableGraceSeconds: 60,
  diskPercent: 90,
  memoryPercent: 95,
  temperatureCelsius: 85,
}

const ServerOverrides = z.object({
  enabled: z.boolean().optional(),
  diskPercent: z.number().min(1).max(100).optional(),
  memoryPercent: z.number().min(1).max(100).optional(),
  temperatureCelsius: z.number().min(20).max(150).optional(),
})

export interface ServerMonitorSettings extends MonitorSettingsDto {
  thresholds: Thresholds
}

export interface ServerPatch {
  enabled?: boolean | null
  diskPercent?: number | null
  memoryPercent?: number | null
  temperatureCelsius?: number | null
}

export class MonitorSettings {
  private readonly listeners = new Set<() => void>()

  constructor(private readonly settings: SettingsRepo) {}

  /** Defaults, overlaid with what is stored that still validates (a bad value falls back to its default). */
  config(): MonitorConfigDto {
    const stored = (this.settings.get(KEY) ?? {}) as Record<string, unknown>
    const global = { ...MONITOR_DEFAULTS }
    for (const [k, v] of Object.entries(MonitorConfigureInput.shape)) {
      const parsed = v.safeParse(stored[k])
      if (parsed.success && parsed.data !== undefined) Object.assign(global, { [k]: parsed.data })
    }
    const servers: Record<string, ServerMonitorSettingsDto> = {}
    for (const [id, value] of Object.entries((stored.servers ?? {}) as Record<string, unknown>)) {
      const parsed = ServerOverrides.safeParse(value)
      if (parsed.success) servers[id] = parsed.data
    }
    return { ...global, servers }
  }

  forServer(serverId: string): ServerMonitorSettings {
    const { servers, ...global } = this.config()
    const own = servers[serverId] ?? {}
    return {
      ...global,
      enabled: global.enabled && own.enabled !== false,
      thresholds: {
        diskPercent: own.diskPercent ?? global.diskPercent,
        memoryPercent: own.memoryPercent ?? global.memoryPercent,
        temperatureCelsius: own.temperatureCelsius ?? global.temperatureCelsius,
      },
    }
  }

  configure(patch: z.infer<typeof MonitorConfigureInput>): MonitorConfigDto {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
    return this.write({ ...this.config(), ...defined })
  }

  configureServer(serverId: string, patch: ServerPatch): MonitorConfigDto {
    const config = this.config()
    const own: Record<string, unknown> = { ...config.servers[serverId] }
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete own[k]
      else if (v !== undefined) own[k] = v
    }
    const servers = { ...config.servers, [serverId]: own as ServerMonitorSettingsDto }
    if (Object.keys(own).length === 0) delete servers[serverId]
    return this.write({ ...config, servers })
  }

  /** Called after every change made through configure/configureServer. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private write(config: MonitorConfigDto): MonitorConfigDto {
    this.settings.set(KEY, config)
    for (const l of [...this.listeners]) l()
    return this.config()
  }
}
