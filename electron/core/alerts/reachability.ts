// Server reachability: a connected server whose connection dropped is an alert once it has stayed away for
// the grace period (a setting, a minute by default: a Wi-Fi hiccup or a reboot of the router is not news),
// resolved as "recovered" when the connection is back, or as "gone" when the person disconnects on purpose.

import type { ErrorInfo } from '../../../shared/errors.js'
import { formatDuration, type RuleAction } from './alert-spec.js'

export interface ReachabilityDeps {
  graceMs: (serverId: string) => number
  serverName: (serverId: string) => string
  act: (actions: RuleAction[]) => void
  isOpen: (serverId: string) => boolean
  now?: () => number
}

interface Down {
  since: number
  timer: NodeJS.Timeout
  error?: ErrorInfo
}

const ref = (serverId: string) => ({ rule: 'server.unreachable' as const, serverId, subject: 'connection' })

export class Reachability {
  private readonly down = new Map<string, Down>()
  private readonly now: () => number

  constructor(private readonly deps: ReachabilityDeps) {
    this.now = deps.now ?? Date.now
  }

  /** The connection is not ready (reconnecting, or given up with an error); the grace period starts now. */
  lost(serverId: string, error?: ErrorInfo): void {
    const current = this.down.get(serverId)
    if (current) {
      if (error) current.error = error
      return
    }
    const since = this.now()
    const timer = setTimeout(() => this.raise(serverId), this.deps.graceMs(serverId))
    timer.unref()
    this.down.set(serverId, { since, timer, ...(error ? { error } : {}) })
  }

  private raise(serverId: string): void {
    const d = this.down.get(serverId)
    if (!d) return
    const name = this.deps.serverName(serverId)
    const why = d.error ? ` ${d.error.message}` : ''
    const message = `No connection to ${name} for ${formatDuration(this.now() - d.since)}.${why} Homeport keeps trying; check that the server is on and its network is up.`
    this.deps.act([
      {
        raise: {
          rule: 'server.unreachable', severity: 'critical', serverId, subject: 'connection',
          title: `${name} is unreachable`, message, target: { kind: 'server', serverId },
        },
      },
    ])
  }

  /** Connected again. */
  back(serverId: string): void {
    const d = this.down.get(serverId)
    if (d) clearTimeout(d.timer)
    this.down.delete(serverId)
    if (!this.deps.isOpen(serverId)) return
    const away = d ? ` after ${formatDuration(this.now() - d.since)}` : ''
    this.deps.act([{ resolve: { ref: ref(serverId), resolution: 'recovered', message: `${this.deps.serverName(serverId)} is connected again${away}.` } }])
  }

  /** Disconnected on purpose (or removed, or monitoring turned off): no longer watched. */
  forget(serverId: string): void {
    const d = this.down.get(serverId)
    if (d) clearTimeout(d.timer)
    this.down.delete(serverId)
    if (this.deps.isOpen(serverId)) {
      this.deps.act([{ resolve: { ref: ref(serverId), resolution: 'gone', message: `${this.deps.serverName(serverId)} was disconnected.` } }])
    }
  }

  close(): void {
    for (const d of this.down.values()) clearTimeout(d.timer)
    this.down.clear()
  }
}

export const reachabilityRef = ref
