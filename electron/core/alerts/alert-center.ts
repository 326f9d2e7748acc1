// The alert centre: every rule raises and resolves through it. It deduplicates (one open alert per rule,
// server and subject; seeing it again only counts an occurrence), folds a condition that comes back within
// minutes of clearing into the same alert without notifying again, keeps everything in SQLite, pushes
// `alert.*` events, and asks the notification presenter which changes become OS notifications.

import { randomUUID } from 'node:crypto'
import type { AlertDto, AlertResolution, AlertsSummaryDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { EventSink } from '../runtime/types.js'
import type { AlertsRepo } from '../store/alerts-repo.js'
import type { AlertPrefs } from './alert-prefs.js'
import { alertKey, type AlertRef, type AlertSpec, type Resolution, type RuleAction } from './alert-spec.js'
import { decideNotification, isMuted, type AlertChange } from './notification-presenter.js'

/** A condition back within this time of clearing reopens its alert instead of making a new one. */
export const REOPEN_WINDOW_MS = 10 * 60_000

const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const

export interface AlertCenterDeps {
  repo: AlertsRepo
  prefs: AlertPrefs
  events: EventSink
  now?: () => number
}

export class AlertCenter {
  private readonly open = new Map<string, AlertDto>()
  private readonly listeners = new Set<() => void>()
  private recent: number[] = []
  private lastSummary = ''
  private readonly now: () => number

  constructor(private readonly deps: AlertCenterDeps) {
    this.now = deps.now ?? Date.now
    for (const { key, alert } of deps.repo.open()) this.open.set(key, alert)
    // Nobody watched the servers while Homeport was not running: their reachability is unknown until they connect.
    for (const alert of [...this.open.values()]) {
      if (alert.rule === 'server.unreachable') this.resolve(alert, 'expired', 'Homeport restarted; the server is checked again when it connects.')
    }
  }

  /** Drops old resolved alerts; called from time to time by the monitor (never at start: the CLI starts often). */
  prune(): void {
    this.deps.repo.prune(new Date(this.now()))
  }

  /** Called after any change (the tray listens). Returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  apply(actions: RuleAction[]): void {
    for (const a of actions) {
      if ('raise' in a) this.raise(a.raise)
      else this.resolveRef(a.resolve)
    }
  }

  isOpen(ref: AlertRef): boolean {
    return this.open.has(alertKey(ref))
  }

  /** Whether this condition was ever raised (open, resolved or dismissed): a rule reading a log sees the same line again. */
  seen(ref: AlertRef): boolean {
    return this.open.has(alertKey(ref)) || Boolean(this.deps.repo.latestByKey(alertKey(ref)))
  }

  openAlerts(serverId?: string): AlertDto[] {
    return [...this.open.values()].filter((a) => serverId === undefined || a.serverId === serverId)
  }

  raise(spec: AlertSpec): AlertDto {
    const key = alertKey(spec)
    const at = new Date(this.now()).toISOString()
    const current = this.open.get(key)
    if (current) {
      // Dedup: the same condition again. The text may say more now (a count, a new reading).
      return this.store(key, { ...current, title: spec.title, message: spec.message, target: spec.target, occurrences: current.occurrences + 1, updatedAt: at }, 'alert.updated')
    }
    const last = this.deps.repo.latestByKey(key)
    if (last?.resolvedAt && last.resolution === 'recovered' && this.now() - Date.parse(last.resolvedAt) < REOPEN_WINDOW_MS) {
      const { resolvedAt: _a, resolution: _r, resolvedMessage: _m, ...rest } = last
      const reopened: AlertDto = { ...rest, title: spec.title, message: spec.message, state: 'open', occurrences: last.occurrences + 1, updatedAt: at, read: last.muted }
      return this.store(key, reopened, 'alert.updated', 'reopened')
    }
    const muted = isMuted(spec, this.deps.prefs.get(), this.now())
    const alert: AlertDto = { id: randomUUID(), ...spec, state: 'open', raisedAt: at, updatedAt: at, occurrences: 1, read: muted, muted }
    return this.store(key, alert, 'alert.raised', 'raised')
  }

  /** Something worth telling that is over as it happens (a job done): kept in the history, already resolved. */
  note(spec: AlertSpec, message: string): AlertDto {
    const at = new Date(this.now()).toISOString()
    const muted = isMuted(spec, this.deps.prefs.get(), this.now())
    const alert: AlertDto = {
      id: randomUUID(), ...spec, state: 'resolved', raisedAt: at, updatedAt: at, resolvedAt: at, resolution: 'done', resolvedMessage: message,
      occurrences: 1, read: muted, muted,
    }
    return this.store(alertKey(spec), alert, 'alert.raised', 'raised')
  }

  resolveRef(r: Resolution): AlertDto | undefined {
    const current = this.open.get(alertKey(r.ref))
    return current && this.resolve(current, r.resolution, r.message)
  }

  /** The person dismissed it. */
  dismiss(id: string): AlertDto {
    const alert = this.get(id)
    if (alert.state === 'resolved') return alert
    return this.resolve(alert, 'dismissed', 'Dismissed.')
  }

  get(id: string): AlertDto {
    const alert = this.deps.repo.get(id)
    if (!alert) throw new HomeportError('NOT_FOUND', `No alert ${id}.`, { hint: 'It may have been pruned from the history.' })
    return alert
  }

  markRead(ids?: string[]): AlertsSummaryDto {
    for (const alert of this.deps.repo.unread(ids)) {
      const read = { ...alert, read: true }
      this.deps.repo.save(read, alertKey(alert))
      if (this.open.has(alertKey(alert))) this.open.set(alertKey(alert), read)
    }
    this.changed()
    return this.summary()
  }

  summary(): AlertsSummaryDto {
    let worst: AlertDto['severity'] | undefined
    let open = 0
    for (const a of this.open.values()) {
      if (a.muted) continue
      open++
      if (!worst || SEVERITY_RANK[a.severity] > SEVERITY_RANK[worst]) worst = a.severity
    }
    return { unread: this.deps.repo.unreadCount(), open, ...(worst ? { worst } : {}) }
  }

  private resolve(alert: AlertDto, resolution: AlertResolution, message: string): AlertDto {
    const at = new Date(this.now()).toISOString()
    const resolved: AlertDto = { ...alert, state: 'resolved', updatedAt: at, resolvedAt: at, resolution, resolvedMessage: message }
    return this.store(alertKey(alert), resolved, 'alert.resolved', 'resolved')
  }

  private store(key: string, alert: AlertDto, event: 'alert.raised' | 'alert.updated' | 'alert.resolved', change?: AlertChange): AlertDto {
    this.deps.repo.save(alert, key)
    if (alert.state === 'open') this.open.set(key, alert)
    else if (this.open.get(key)?.id === alert.id) this.open.delete(key)
    this.deps.events.emit(event, alert)
    if (change) this.maybeNotify(alert, change)
    this.changed()
    return alert
  }

  private maybeNotify(alert: AlertDto, change: AlertChange): void {
    const now = this.now()
    const decision = decideNotification(alert, change, { prefs: this.deps.prefs.get(), now, recent: this.recent })
    if (!decision.show) return
    this.recent = [...this.recent.filter((t) => now - t < 60_000), now]
    this.deps.events.emit('alert.notify', decision.notification)
  }

  /** Pushes the summary when it changed and tells the listeners. */
  changed(): void {
    const summary = this.summary()
    const text = JSON.stringify(summary)
    if (text !== this.lastSummary) {
      this.lastSummary = text
      this.deps.events.emit('alerts.summary', summary)
    }
    for (const l of [...this.listeners]) l()
  }
}
