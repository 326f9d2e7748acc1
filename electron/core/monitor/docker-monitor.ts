// Containers of one connected server: Docker's event stream feeds the container alert rules and keeps the
// container list fresh (for the tiles and the tray); every few tens of seconds a one-shot stats reading per
// running container gives per-container CPU and memory for the history and `monitor.containers`.

import type { ContainerUsageDto } from '../../../shared/contract/index.js'
import type { AlertCenter } from '../alerts/alert-center.js'
import { ContainerRules, type ContainerFacts, type ContainerListItem } from '../alerts/container-rules.js'
import type { SshSession } from '../connection/types.js'
import { intentsFor } from '../docker/container-intents.js'
import type { Docker } from '../docker/docker-access.js'
import type { EventSink, Logger } from '../runtime/types.js'
import type { MetricsRepo } from '../store/metrics-repo.js'
import { ContainerEvents } from './container-events.js'
import { containerUsage, cpuReading, type CpuReading, type RawStats } from './container-usage.js'
import type { ServerMonitorSettings } from './monitor-settings.js'

const RETRY_MS = 60_000
const LIST_DEBOUNCE_MS = 300
const STATS_CONCURRENCY = 4

export interface DockerMonitorDeps {
  serverId: string
  serverName: () => string
  session: SshSession
  docker: () => Promise<Docker>
  settings: () => ServerMonitorSettings
  metrics: MetricsRepo
  center: AlertCenter
  events: EventSink
  log: Logger
  onContainers: () => void
  now: () => number
}

export class DockerMonitor {
  containers: ContainerListItem[] = []
  usage: ContainerUsageDto[] = []
  private readonly rules: ContainerRules
  private readonly stream: ContainerEvents
  private readonly readings = new Map<string, CpuReading>()
  private active = false
  private statsTimer: NodeJS.Timeout | undefined
  private listTimer: NodeJS.Timeout | undefined
  private retry: NodeJS.Timeout | undefined

  constructor(private readonly deps: DockerMonitorDeps) {
    const { serverId, center } = deps
    this.rules = new ContainerRules({
      serverId,
      serverName: deps.serverName,
      inspect: (id) => this.inspect(id),
      expectedStop: (id, name) => intentsFor(deps.session).takeExpected(id, name),
      isOpen: (ref) => center.isOpen(ref),
      openSubjects: (rule) => center.openAlerts(serverId).filter((a) => a.rule === rule).map((a) => a.subject),
      act: (actions) => center.apply(actions),
      now: deps.now,
    })
    this.stream = new ContainerEvents(
      deps.docker,
      (ev) => {
        this.rules.onEvent(ev)
        if (['start', 'die', 'destroy', 'health_status: healthy', 'health_status: unhealthy'].includes(ev.action)) this.listSoon()
      },
      (err) => this.warn('the Docker event stream broke', err),
    )
  }

  start(): void {
    this.active = true
    void this.run()
  }

  private async run(): Promise<void> {
    try {
      await this.stream.start()
      await this.list()
      this.rules.reconcile(this.containers)
      this.scheduleStats(0)
    } catch (err) {
      if (!this.active) return
      // No Docker (yet) on this server, or no permission: host metrics go on; try again later.
      this.warn('Docker is not reachable', err)
      this.stream.stop()
      this.retry = setTimeout(() => this.active && void this.run(), RETRY_MS)
      this.retry.unref()
    }
  }

  private warn(what: string, err: unknown): void {
    this.deps.log.warn(`monitoring: ${what}`, { serverId: this.deps.serverId, error: err instanceof Error ? err.message : String(err) })
  }

  private async inspect(id: string): Promise<ContainerFacts> {
    try {
      const info = await (await this.deps.docker()).getContainer(id).inspect()
      const s = info.State
      return { exists: true, running: s.Running, restarting: s.Restarting, exitCode: s.ExitCode, oomKilled: s.OOMKilled }
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return { exists: false, running: false, restarting: false, exitCode: 0, oomKilled: false }
      throw err
    }
  }

  private listSoon(): void {
    if (this.listTimer) return
    this.listTimer = setTimeout(() => {
      this.listTimer = undefined
      if (this.active) this.list().catch((err: unknown) => this.warn('could not list containers', err))
    }, LIST_DEBOUNCE_MS)
  }

  private async list(): Promise<void> {
    const list = await (await this.deps.docker()).listContainers({ all: true })
    if (!this.active) return
    this.containers = list.map((c) => ({
      id: c.Id,
      name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
      state: c.State,
      status: c.Status,
      labels: c.Labels ?? {},
    }))
    this.deps.onContainers()
  }

  private scheduleStats(delayMs: number): void {
    clearTimeout(this.statsTimer)
    this.statsTimer = setTimeout(() => void this.stats(), delayMs)
    this.statsTimer.unref()
  }

  /** One reading per running container; the next one is scheduled when this one is done, so they never pile up. */
  private async stats(): Promise<void> {
    if (!this.active) return
    try {
      await this.list()
      const docker = await this.deps.docker()
      const running = this.containers.filter((c) => c.state === 'running')
      const raw = new Map<string, RawStats>()
      for (let i = 0; i < running.length; i += STATS_CONCURRENCY) {
        await Promise.all(
          running.slice(i, i + STATS_CONCURRENCY).map(async (c) => {
            const s = await docker.getContainer(c.id).stats({ stream: false, 'one-shot': true } as { stream: false }).catch(() => undefined)
            if (s) raw.set(c.id, s as RawStats)
          }),
        )
      }
      if (!this.active) return
      this.usage = running.map((c) => containerUsage(c, raw.get(c.id), this.readings.get(c.id)))
      this.readings.clear()
      for (const [id, s] of raw) {
        const reading = cpuReading(s)
        if (reading) this.readings.set(id, reading)
      }
      const time = Math.floor(this.deps.now() / 1000)
      this.deps.metrics.addContainers(this.deps.serverId, time, this.usage.map((u) => ({ name: u.container, ...(u.app ? { app: u.app } : {}), cpu: u.cpuPercent, memory: u.memoryBytes })))
      this.deps.events.emit('monitor.containers', { serverId: this.deps.serverId, time, containers: this.usage })
    } catch (err) {
      this.warn('could not read container stats', err)
    } finally {
      if (this.active) this.scheduleStats(this.deps.settings().containerStatsSeconds * 1000)
    }
  }

  /** Resolves quiet restart loops; called by the monitor's periodic tick. */
  tick(): Promise<void> {
    return this.rules.tick()
  }

  stop(): void {
    this.active = false
    this.stream.stop()
    this.rules.dispose()
    for (const t of [this.statsTimer, this.listTimer, this.retry]) clearTimeout(t)
  }
}
