// Host metrics of one connected server: the agent's `watch` stream (one long-lived exec channel, one JSON
// line per interval), each sample written to the history, pushed as `monitor.sample` and run through the
// host alert rules. When the agent cannot start or its channel ends while the connection is fine, it is
// started again after a pause.

import type { AgentMetricsDto, HostSampleDto } from '../../../shared/contract/index.js'
import { HomeportError, toErrorInfo, type ErrorInfo } from '../../../shared/errors.js'
import { agentFor } from '../agent/agent-client.js'
import { listInstalled } from '../agent/agent-installer.js'
import type { AlertCenter } from '../alerts/alert-center.js'
import { HostRules } from '../alerts/host-rules.js'
import type { SshSession } from '../connection/types.js'
import type { Logger } from '../runtime/types.js'
import type { MetricsRepo } from '../store/metrics-repo.js'
import { hostSample } from './host-sample.js'
import type { ServerMonitorSettings } from './monitor-settings.js'

const RESTART_MS = 30_000

const notInstalled = (server: string): ErrorInfo =>
  new HomeportError('AGENT_FAILED', `The Homeport agent is not installed on ${server}, so its metrics cannot be sampled.`, {
    hint: 'Open Set-up on the server page and run it; sampling starts by itself once the agent is there.',
    cliHint: 'Install it with `homeport agent SERVER install`; sampling starts by itself once the agent is there.',
  }).toJSON()

export interface HostWatchDeps {
  serverId: string
  serverName: () => string
  session: SshSession
  settings: () => ServerMonitorSettings
  metrics: MetricsRepo
  center: AlertCenter
  onSample: (sample: HostSampleDto) => void
  onTrouble: (error: ErrorInfo | undefined) => void
  log: Logger
  now: () => number
}

export class HostWatch {
  latest: HostSampleDto | undefined
  private stopAgent: (() => void) | undefined
  private retry: NodeJS.Timeout | undefined
  private active = false
  private readonly rules: HostRules

  constructor(private readonly deps: HostWatchDeps) {
    this.rules = new HostRules(deps.serverId, deps.serverName, (ref) => deps.center.isOpen(ref))
  }

  start(): void {
    this.active = true
    void this.run()
  }

  private async run(): Promise<void> {
    const { deps } = this
    try {
      // Installing the agent is set-up's to do, with the person's consent; an older one is upgraded by watch.
      if ((await listInstalled(deps.session)).versions.length === 0) {
        if (!this.active) return
        deps.onTrouble(notInstalled(deps.serverName()))
        return this.later()
      }
      const stop = await agentFor(deps.session).watch(deps.settings().intervalSeconds, (m) => this.sample(m), (err) => this.ended(err))
      if (!this.active) return stop()
      this.stopAgent = stop
      deps.onTrouble(undefined)
    } catch (err) {
      if (!this.active) return
      deps.log.warn('monitoring: the agent did not start', { serverId: deps.serverId, error: err instanceof Error ? err.message : String(err) })
      deps.onTrouble(toErrorInfo(err))
      this.later()
    }
  }

  private sample(m: AgentMetricsDto): void {
    if (!this.active) return
    const { deps } = this
    const sample = hostSample(deps.serverId, Math.floor(deps.now() / 1000), m)
    this.latest = sample
    deps.metrics.addHost(deps.serverId, sample.time, sample.values)
    deps.onSample(sample)
    deps.center.apply(this.rules.evaluate(sample, deps.settings().thresholds))
  }

  /** The watch ended: by stop() (no error), on a line that did not parse, or because its channel closed. */
  private ended(err?: HomeportError): void {
    if (!err || !this.active) return
    if (err.code === 'AGENT_FAILED') this.deps.log.warn('monitoring: an agent line was not understood', { serverId: this.deps.serverId, details: err.details })
    this.stopAgent = undefined
    // A dropped connection stops this watch from above; a channel that closed on a live connection is restarted.
    if (this.deps.session.state === 'ready') this.later()
  }

  private later(): void {
    clearTimeout(this.retry)
    this.retry = setTimeout(() => {
      this.retry = undefined
      if (this.active) void this.run()
    }, RESTART_MS)
    this.retry.unref()
  }

  stop(): void {
    this.active = false
    clearTimeout(this.retry)
    const stop = this.stopAgent
    this.stopAgent = undefined
    stop?.()
  }
}
