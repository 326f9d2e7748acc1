// Monitoring of the connected servers: while the core holds a server's connection (and monitoring is on for
// it) its host metrics and containers are sampled; when the connection drops, sampling stops and the
// reachability rule's grace period starts; when it is back, sampling starts again. Once a minute the history
// is rolled up (and, every ten minutes, pruned) and quiet restart loops are resolved.

import type { ConnectionState, ContainerUsageDto, HostSampleDto, MonitorActivity, ServerOverviewDto, ServerStateEvent } from '../../../shared/contract/index.js'
import type { ErrorInfo } from '../../../shared/errors.js'
import type { AlertCenter } from '../alerts/alert-center.js'
import { Reachability, reachabilityRef } from '../alerts/reachability.js'
import type { TrayServerInput } from '../alerts/tray-presenter.js'
import type { SshSession } from '../connection/types.js'
import type { Docker } from '../docker/docker-access.js'
import type { EventSink, Logger } from '../runtime/types.js'
import type { MetricsRepo } from '../store/metrics-repo.js'
import { DockerMonitor } from './docker-monitor.js'
import { fullestDisk } from './host-sample.js'
import { HostWatch } from './host-watch.js'
import type { MonitorSettings } from './monitor-settings.js'

const TICK_MS = 60_000
const PRUNE_EVERY_MS = 10 * 60_000
const PROJECT = 'com.docker.compose.project'

export interface MonitorServiceDeps {
  docker: (serverId: string) => Promise<Docker>
  servers: () => { id: string; name: string }[]
  serverName: (serverId: string) => string
  settings: MonitorSettings
  metrics: MetricsRepo
  center: AlertCenter
  events: EventSink
  log: Logger
  /** false for a short-lived core (a one-shot CLI command): connections are not sampled. */
  sampling: boolean
  now?: () => number
}

interface Entry {
  session: SshSession
  onState: (event: ServerStateEvent) => void
  host?: HostWatch
  docker?: DockerMonitor
  activity: MonitorActivity
  error?: ErrorInfo
  /** The settings sampling started with; only a change of these restarts it. */
  applied?: string
}

export class MonitorService {
  readonly reachability: Reachability
  /** Set by the wiring: something the tray shows (a state, an app list) changed. */
  onTrayChange: () => void = () => {}
  private readonly entries = new Map<string, Entry>()
  private tickTimer: NodeJS.Timeout | undefined
  private lastPrune = 0
  private readonly now: () => number

  constructor(private readonly deps: MonitorServiceDeps) {
    this.now = deps.now ?? Date.now
    const { center, settings } = deps
    this.reachability = new Reachability({
      graceMs: (id) => settings.forServer(id).unreachableGraceSeconds * 1000,
      serverName: deps.serverName,
      act: (actions) => center.apply(actions),
      isOpen: (id) => center.isOpen(reachabilityRef(id)),
      now: this.now,
    })
    settings.onChange(() => this.reapplySettings())
  }

  /** The core now holds a ready connection to this server. */
  held(serverId: string, session: SshSession): void {
    if (!this.deps.sampling || this.entries.has(serverId)) return
    const onState = (event: ServerStateEvent) => this.onState(serverId, event)
    this.entries.set(serverId, { session, onState, activity: 'waiting' })
    session.on('state', onState)
    this.onState(serverId, { serverId, state: session.state })
    this.tickTimer ??= setInterval(() => void this.tick(), TICK_MS).unref()
  }

  /** The core let the connection go (disconnected on purpose, removed, or the app is closing). */
  dropped(serverId: string): void {
    const entry = this.entries.get(serverId)
    if (!entry) return
    entry.session.off('state', entry.onState)
    this.stopSampling(serverId, 'off')
    this.entries.delete(serverId)
    this.reachability.forget(serverId)
    this.onTrayChange()
  }

  private onState(serverId: string, event: ServerStateEvent): void {
    const enabled = this.deps.settings.forServer(serverId).enabled
    if (event.state === 'ready') {
      this.reachability.back(serverId)
      if (enabled) this.startSampling(serverId)
    } else {
      this.stopSampling(serverId, enabled ? 'waiting' : 'off')
      if (enabled) this.reachability.lost(serverId, event.error)
    }
    this.onTrayChange()
  }

  private startSampling(serverId: string): void {
    const entry = this.entries.get(serverId)
    if (!entry || entry.host) return
    const { deps } = this
    const common = {
      serverId,
      serverName: () => deps.serverName(serverId),
      session: entry.session,
      settings: () => deps.settings.forServer(serverId),
      metrics: deps.metrics,
      center: deps.center,
      log: deps.log,
      now: this.now,
    }
    entry.host = new HostWatch({
      ...common,
      onSample: (sample) => deps.events.emit('monitor.sample', sample),
      onTrouble: (error) => this.setActivity(serverId, error ? 'waiting' : 'sampling', error),
    })
    entry.docker = new DockerMonitor({ ...common, docker: () => deps.docker(serverId), events: deps.events, onContainers: () => this.onTrayChange() })
    entry.host.start()
    entry.docker.start()
    entry.applied = this.applied(serverId)
    this.setActivity(serverId, 'sampling')
  }

  private stopSampling(serverId: string, activity: MonitorActivity): void {
    const entry = this.entries.get(serverId)
    if (!entry) return
    entry.applied = this.applied(serverId)
    entry.host?.stop()
    entry.docker?.stop()
    entry.host = undefined
    entry.docker = undefined
    this.setActivity(serverId, activity)
  }

  private setActivity(serverId: string, activity: MonitorActivity, error?: ErrorInfo): void {
    const entry = this.entries.get(serverId)
    if (!entry || (entry.activity === activity && entry.error?.message === error?.message)) return
    entry.activity = activity
    entry.error = error
    this.deps.events.emit('monitor.status', { serverId, monitoring: activity, ...(error ? { error } : {}) })
  }

  private applied(serverId: string): string {
    const { enabled, intervalSeconds } = this.deps.settings.forServer(serverId)
    return `${enabled}:${intervalSeconds}`
  }

  /** A new interval or on/off applies at once (sampling restarts); thresholds are read at every sample anyway. */
  private reapplySettings(): void {
    for (const [serverId, entry] of this.entries) {
      if (entry.applied === this.applied(serverId)) continue
      this.stopSampling(serverId, 'waiting')
      if (!this.deps.settings.forServer(serverId).enabled) this.reachability.forget(serverId)
      this.onState(serverId, { serverId, state: entry.session.state })
    }
  }

  async tick(): Promise<void> {
    const nowSeconds = Math.floor(this.now() / 1000)
    try {
      this.deps.metrics.rollup(nowSeconds)
      if (this.now() - this.lastPrune >= PRUNE_EVERY_MS) {
        this.deps.metrics.prune(nowSeconds)
        this.deps.center.prune()
        this.lastPrune = this.now()
      }
    } catch (err) {
      this.deps.log.warn('monitoring: the history could not be rolled up', { error: err instanceof Error ? err.message : String(err) })
    }
    for (const entry of this.entries.values()) await entry.docker?.tick().catch(() => {})
  }

  latest(serverId: string): { host?: HostSampleDto; containers: ContainerUsageDto[] } {
    const entry = this.entries.get(serverId)
    const host = entry?.host?.latest
    return { ...(host ? { host } : {}), containers: entry?.docker?.usage ?? [] }
  }

  private state(serverId: string): ConnectionState {
    return this.entries.get(serverId)?.session.state ?? 'offline'
  }

  private apps(serverId: string): { name: string; running: boolean }[] {
    const apps = new Map<string, boolean>()
    for (const c of this.entries.get(serverId)?.docker?.containers ?? []) {
      const app = c.labels[PROJECT]
      if (app) apps.set(app, (apps.get(app) ?? false) || c.state === 'running')
    }
    return [...apps].map(([name, running]) => ({ name, running }))
  }

  trayServers(): TrayServerInput[] {
    return this.deps.servers().map((s) => ({ id: s.id, name: s.name, state: this.state(s.id), apps: this.apps(s.id) }))
  }

  overview(): ServerOverviewDto[] {
    return this.deps.servers().map(({ id, name }) => {
      const entry = this.entries.get(id)
      const latest = entry?.host?.latest
      const disk = fullestDisk(latest)
      const containers = entry?.docker?.containers ?? []
      const apps = this.apps(id)
      const open = this.deps.center.openAlerts(id).filter((a) => !a.muted)
      const worst = (['critical', 'warning', 'info'] as const).find((s) => open.some((a) => a.severity === s))
      return {
        serverId: id,
        name,
        state: this.state(id),
        monitoring: entry?.activity ?? 'off',
        ...(latest ? { latest } : {}),
        ...(disk ? { fullestDisk: disk } : {}),
        apps: { running: apps.filter((a) => a.running).length, total: apps.length },
        containers: { running: containers.filter((c) => c.state === 'running').length, total: containers.length },
        alerts: { open: open.length, ...(worst ? { worst } : {}) },
      }
    })
  }

  close(): void {
    const sampled = this.tickTimer !== undefined
    clearInterval(this.tickTimer)
    this.tickTimer = undefined
    for (const serverId of [...this.entries.keys()]) {
      const entry = this.entries.get(serverId)!
      entry.session.off('state', entry.onState)
      this.stopSampling(serverId, 'off')
    }
    this.entries.clear()
    this.reachability.close()
    if (!sampled) return
    try {
      this.deps.metrics.rollup(Math.floor(this.now() / 1000))
    } catch {
      // The database may already be closing; the next start rolls up what is left.
    }
  }
}
