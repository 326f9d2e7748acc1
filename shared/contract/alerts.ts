// Alerts: the core watches connected servers and jobs, raises an alert when something needs a person (an app
// stopped, a disk filling up, a server gone), keeps it with its history, and resolves it when the condition
// clears. The core also decides what a front end shows of it — which alert becomes an OS notification, what
// the tray icon says — so the window, the web host and the CLI all agree; they only display.

import { z } from 'zod'
import { event, method, out } from './define.js'
import { serverId, type ConnectionState } from './servers.js'

export const ALERT_RULES = [
  'container.exited',
  'container.unhealthy',
  'container.restart-loop',
  'disk.full',
  'memory.pressure',
  'temperature.high',
  'server.unreachable',
  'job.failed',
  'job.succeeded',
  'backup.failed',
  'backup.missed',
  'task.failed',
] as const
export type AlertRule = (typeof ALERT_RULES)[number]
export type AlertSeverity = 'info' | 'warning' | 'critical'

/** Where clicking an alert leads. */
export type AlertTarget =
  | { kind: 'app'; serverId: string; app: string }
  | { kind: 'container'; serverId: string; container: string }
  | { kind: 'server'; serverId: string }
  | { kind: 'job'; jobId: string; serverId?: string }

/**
 * How an alert ended: its condition cleared, the person dismissed it, its subject went away (a container
 * removed, a disk unmounted, a server disconnected on purpose), the work it reports was done, or Homeport
 * restarted and can no longer vouch for it.
 */
export type AlertResolution = 'recovered' | 'dismissed' | 'gone' | 'done' | 'expired'

export interface AlertDto {
  id: string
  rule: AlertRule
  severity: AlertSeverity
  serverId?: string
  app?: string
  /** What the alert is about within its server: a container, a mount point, a sensor, a job title. */
  subject: string
  title: string
  message: string
  target: AlertTarget
  state: 'open' | 'resolved'
  raisedAt: string
  updatedAt: string
  resolvedAt?: string
  resolution?: AlertResolution
  resolvedMessage?: string
  /** How many times the condition was seen while this alert was open (or reopened soon after it cleared). */
  occurrences: number
  read: boolean
  /** Raised while its server or app was muted: kept in the history, never notified, not counted as unread. */
  muted: boolean
}

export interface MuteDto {
  serverId: string
  /** Absent: the whole server. */
  app?: string
  /** ISO time; absent: until unmuted. */
  until?: string
}

export interface AlertPrefsDto {
  /** ISO time until which no OS notification is shown; absent: do-not-disturb is off. */
  doNotDisturbUntil?: string
  mutes: MuteDto[]
}

export interface AlertsSummaryDto {
  unread: number
  open: number
  worst?: AlertSeverity
}

/** An OS notification the core decided to show; front ends display it and open `target` on click. */
export interface NotificationDto {
  alertId: string
  kind: 'raised' | 'resolved'
  title: string
  body: string
  severity: AlertSeverity
  /** No sound: informational news and recoveries. */
  silent: boolean
  target: AlertTarget
}

export type TrayLevel = 'idle' | 'ok' | 'info' | 'warning' | 'critical'

export interface TrayServerDto {
  id: string
  name: string
  state: ConnectionState
  level: TrayLevel
  /** One line for the menu, such as "nas — disk / 93 % full". */
  label: string
  openAlerts: number
  /** The quick action the menu offers for the connection. */
  connection: 'connect' | 'disconnect'
  apps: { name: string; running: boolean }[]
}

/** Everything the tray shows: the icon's level (worst across servers), its tooltip, and the menu's servers. */
export interface TrayStateDto {
  level: TrayLevel
  tooltip: string
  unread: number
  doNotDisturb: boolean
  servers: TrayServerDto[]
}

const id = z.string().min(1)

export const alertsContract = {
  /** The alert history, newest first; `before` (an alert's raisedAt) pages further back. */
  'alerts.list': method(
    z.object({
      serverId: serverId.optional(),
      state: z.enum(['open', 'resolved', 'all']).default('all'),
      limit: z.number().int().min(1).max(500).default(100),
      before: z.string().min(1).optional(),
    }),
    out<AlertDto[]>(),
  ),
  'alerts.get': method(z.object({ id }), out<AlertDto>()),
  /** Dismisses an open alert; it stays in the history. */
  'alerts.resolve': method(z.object({ id }), out<AlertDto>()),
  /** Marks the given alerts read, or every alert when `ids` is absent. */
  'alerts.markRead': method(z.object({ ids: z.array(id).min(1).optional() }), out<AlertsSummaryDto>()),
  'alerts.summary': method(z.object({}), out<AlertsSummaryDto>()),
  'alerts.prefs': method(z.object({}), out<AlertPrefsDto>()),
  /** Mutes a server, or one app on it, for `minutes` or until unmuted. */
  'alerts.mute': method(z.object({ serverId, app: z.string().min(1).optional(), minutes: z.number().int().min(1).max(525_600).optional() }), out<AlertPrefsDto>()),
  'alerts.unmute': method(z.object({ serverId, app: z.string().min(1).optional() }), out<AlertPrefsDto>()),
  /** Do-not-disturb on (for `minutes`, or until turned off) or off. */
  'alerts.doNotDisturb': method(z.object({ on: z.boolean(), minutes: z.number().int().min(1).max(525_600).optional() }), out<AlertPrefsDto>()),
  /** What the tray shows now; `tray.state` pushes every change. */
  'alerts.tray': method(z.object({}), out<TrayStateDto>()),
} as const

export const alertsEvents = {
  'alert.raised': event<AlertDto>(),
  'alert.updated': event<AlertDto>(),
  'alert.resolved': event<AlertDto>(),
  'alert.notify': event<NotificationDto>(),
  'alerts.summary': event<AlertsSummaryDto>(),
  'tray.state': event<TrayStateDto>(),
} as const
