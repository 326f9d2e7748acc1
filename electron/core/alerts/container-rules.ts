// Container alerts from Docker's event stream: exited unexpectedly, unhealthy, restart-looping. A `die` is
// judged a moment later (Docker sends `stop` or `destroy` after it, and applies the restart policy), from the
// events that followed, the container's state and what the core stopped itself. A loop is one alert however
// many restarts it counts, resolved once the container has stayed up for a while.

import { type AlertRef, type AlertSpec, type RuleAction } from './alert-spec.js'
import { classifyExit, describeExit } from './container-exit.js'

export interface ContainerEventLite {
  /** Docker's action: die, stop, destroy, start, oom, `health_status: unhealthy`… */
  action: string
  id: string
  name: string
  labels: Record<string, string>
  exitCode?: number
}

export interface ContainerFacts {
  exists: boolean
  running: boolean
  restarting: boolean
  exitCode: number
  oomKilled: boolean
}

export interface ContainerListItem {
  id: string
  name: string
  state: string
  status: string
  labels: Record<string, string>
}

export interface ContainerRulesDeps {
  serverId: string
  serverName: () => string
  inspect: (id: string) => Promise<ContainerFacts>
  /** The core stopped, killed, restarted or removed this container lately (asked once per exit: it uses the note up). */
  expectedStop: (id: string, name: string) => boolean
  isOpen: (ref: AlertRef) => boolean
  openSubjects: (rule: AlertRef['rule']) => string[]
  act: (actions: RuleAction[]) => void
  now?: () => number
  /** How long after a die to wait for the events that explain it. */
  settleMs?: number
}

export const LOOP = { restarts: 3, windowMs: 5 * 60_000, quietMs: 2 * 60_000 }
const PROJECT = 'com.docker.compose.project'

export class ContainerRules {
  private readonly stops = new Map<string, number>()
  private readonly restarts = new Map<string, { name: string; labels: Record<string, string>; times: number[] }>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private disposed = false
  private readonly now: () => number

  constructor(private readonly deps: ContainerRulesDeps) {
    this.now = deps.now ?? Date.now
  }

  private ref(rule: AlertRef['rule'], name: string): AlertRef {
    return { rule, serverId: this.deps.serverId, subject: name }
  }

  private spec(rule: AlertSpec['rule'], severity: AlertSpec['severity'], name: string, labels: Record<string, string>, title: string, message: string): AlertSpec {
    const app = labels[PROJECT]
    const { serverId } = this.deps
    return {
      rule, severity, serverId, subject: name, title, message,
      ...(app ? { app, target: { kind: 'app', serverId, app } } : { target: { kind: 'container', serverId, container: name } }),
    }
  }

  private resolveAll(name: string, resolution: 'recovered' | 'gone', message: string, rules: AlertRef['rule'][]): void {
    this.deps.act(rules.filter((r) => this.deps.isOpen(this.ref(r, name))).map((rule) => ({ resolve: { ref: this.ref(rule, name), resolution, message } })))
  }

  onEvent(ev: ContainerEventLite): void {
    if (this.disposed) return
    const action = ev.action.trim()
    if (action === 'stop') this.stops.set(ev.id, this.now())
    else if (action === 'die') this.later(() => this.judgeDie(ev))
    else if (action === 'destroy') {
      this.restarts.delete(ev.id)
      this.resolveAll(ev.name, 'gone', `${ev.name} was removed.`, ['container.exited', 'container.unhealthy', 'container.restart-loop'])
    } else if (action === 'start') {
      this.resolveAll(ev.name, 'recovered', `${ev.name} is running again.`, ['container.exited'])
    } else if (action === 'health_status: unhealthy') {
      const message = `Its health check fails; it still runs, but probably does not work. Look at its logs.`
      this.deps.act([{ raise: this.spec('container.unhealthy', 'warning', ev.name, ev.labels, `${this.label(ev.name, ev.labels)} is unhealthy on ${this.deps.serverName()}`, message) }])
    } else if (action === 'health_status: healthy') {
      this.resolveAll(ev.name, 'recovered', `${ev.name} is healthy again.`, ['container.unhealthy'])
    }
  }

  private label(name: string, labels: Record<string, string>): string {
    const app = labels[PROJECT]
    return app ? `${app} (${name})` : name
  }

  private later(fn: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (!this.disposed) fn().catch(() => {})
    }, this.deps.settleMs ?? 1000)
    this.timers.add(timer)
  }

  private async judgeDie(ev: ContainerEventLite): Promise<void> {
    const facts = await this.deps.inspect(ev.id)
    if (this.disposed) return
    const stoppedAt = this.stops.get(ev.id)
    this.stops.delete(ev.id)
    // Asked first and always: the core's note of its own stop explains this exit and no later one.
    const stoppedByCore = this.deps.expectedStop(ev.id, ev.name)
    const exitCode = ev.exitCode ?? facts.exitCode
    const kind = classifyExit({
      exitCode,
      oomKilled: facts.oomKilled,
      stopRequested: stoppedByCore || stoppedAt !== undefined,
      removed: !facts.exists,
      restarting: facts.restarting || facts.running,
    })
    const name = ev.name
    const looping = this.deps.isOpen(this.ref('container.restart-loop', name))
    if (kind === 'expected') {
      this.restarts.delete(ev.id)
      this.resolveAll(name, 'gone', `${name} was stopped.`, ['container.unhealthy', 'container.restart-loop'])
      return
    }
    if (kind === 'restarting' || looping) {
      this.countRestart(ev, exitCode, kind !== 'restarting')
      return
    }
    const title = `${this.label(name, ev.labels)} stopped on ${this.deps.serverName()}`
    const message = `${name} ${describeExit(kind, exitCode)}. It is not running now; start it again from the app's page, and read its logs to see why.`
    this.deps.act([{ raise: this.spec('container.exited', 'critical', name, ev.labels, title, message) }])
  }

  private countRestart(ev: ContainerEventLite, exitCode: number, final: boolean): void {
    const now = this.now()
    const entry = this.restarts.get(ev.id) ?? { name: ev.name, labels: ev.labels, times: [] }
    entry.times = [...entry.times.filter((t) => now - t < LOOP.windowMs), now]
    this.restarts.set(ev.id, entry)
    if (entry.times.length < LOOP.restarts && !final) return
    const title = `${this.label(ev.name, ev.labels)} keeps restarting on ${this.deps.serverName()}`
    const message = final
      ? `${ev.name} exited with code ${exitCode} again and Docker stopped restarting it. Read its logs to see why it fails.`
      : `${ev.name} exited ${entry.times.length} times in ${Math.round(LOOP.windowMs / 60_000)} minutes (last exit code ${exitCode}); Docker restarts it each time. Read its logs to see why it fails.`
    this.deps.act([{ raise: this.spec('container.restart-loop', 'critical', ev.name, ev.labels, title, message) }])
  }

  /** Resolves loops that have been quiet a while, if the container is up. Call every few tens of seconds. */
  async tick(): Promise<void> {
    const now = this.now()
    for (const [id, entry] of [...this.restarts]) {
      const last = entry.times.at(-1) ?? 0
      if (now - last < LOOP.quietMs) continue
      if (!this.deps.isOpen(this.ref('container.restart-loop', entry.name))) {
        this.restarts.delete(id)
        continue
      }
      const facts = await this.deps.inspect(id).catch(() => undefined)
      if (!facts || this.disposed) continue
      if (!facts.exists || facts.running) this.restarts.delete(id)
      if (!facts.exists) this.resolveAll(entry.name, 'gone', `${entry.name} was removed.`, ['container.restart-loop'])
      else if (facts.running) this.resolveAll(entry.name, 'recovered', `${entry.name} has been running for ${Math.round(LOOP.quietMs / 60_000)} minutes without a restart.`, ['container.restart-loop'])
    }
  }

  /**
   * Squares open alerts with the containers as they are now (after a reconnect or a restart of the app,
   * events were missed), and raises an alert for a container that is unhealthy already.
   */
  reconcile(list: ContainerListItem[]): void {
    const byName = new Map(list.map((c) => [c.name, c]))
    for (const name of this.deps.openSubjects('container.exited')) {
      const c = byName.get(name)
      if (!c) this.resolveAll(name, 'gone', `${name} was removed.`, ['container.exited'])
      else if (c.state === 'running') this.resolveAll(name, 'recovered', `${name} is running again.`, ['container.exited'])
    }
    for (const name of this.deps.openSubjects('container.unhealthy')) {
      const c = byName.get(name)
      if (!c) this.resolveAll(name, 'gone', `${name} was removed.`, ['container.unhealthy'])
      else if (!c.status.includes('(unhealthy)')) this.resolveAll(name, 'recovered', `${name} is no longer unhealthy.`, ['container.unhealthy'])
    }
    for (const name of this.deps.openSubjects('container.restart-loop')) {
      const c = byName.get(name)
      if (!c) this.resolveAll(name, 'gone', `${name} was removed.`, ['container.restart-loop'])
      else if (!this.restarts.has(c.id)) this.restarts.set(c.id, { name, labels: c.labels, times: [0] })
    }
    for (const c of list) {
      if (c.status.includes('(unhealthy)') && !this.deps.isOpen(this.ref('container.unhealthy', c.name))) {
        this.onEvent({ action: 'health_status: unhealthy', id: c.id, name: c.name, labels: c.labels })
      }
    }
  }

  dispose(): void {
    this.disposed = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}
