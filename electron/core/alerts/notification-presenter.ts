// Which alert becomes an OS notification, and its words. Pure: the alert centre calls it with the alert,
// what just happened to it, the person's preferences and the times of the last notifications; Electron's
// main process and the web host only display the answer.

import type { AlertDto, AlertPrefsDto, NotificationDto } from '../../../shared/contract/index.js'

/** At most this many notifications in this window; the rest wait in the notification centre. */
export const NOTIFY_BURST = { count: 5, windowMs: 60_000 }

/** What happened to the alert: new, back soon after it cleared (flapping), or cleared. */
export type AlertChange = 'raised' | 'reopened' | 'resolved'

export interface NotifyContext {
  prefs: AlertPrefsDto
  now: number
  /** Times (ms) of the notifications shown lately. */
  recent: number[]
}

export type NotifyDecision =
  | { show: true; notification: NotificationDto }
  | { show: false; reason: 'muted' | 'do-not-disturb' | 'repeat' | 'quiet' | 'rate-limited' }

const until = (iso: string | undefined): number => (iso ? Date.parse(iso) : Number.POSITIVE_INFINITY)

export function doNotDisturb(prefs: AlertPrefsDto, now: number): boolean {
  return prefs.doNotDisturbUntil !== undefined && until(prefs.doNotDisturbUntil) > now
}

/** A mute of the alert's server (no app), or of its app on that server, that has not run out. */
export function isMuted(alert: Pick<AlertDto, 'serverId' | 'app'>, prefs: AlertPrefsDto, now: number): boolean {
  if (!alert.serverId) return false
  return prefs.mutes.some((m) => m.serverId === alert.serverId && (m.app === undefined || m.app === alert.app) && until(m.until) > now)
}

/** The preferences without the mutes and do-not-disturb that have run out. */
export function currentPrefs(prefs: AlertPrefsDto, now: number): AlertPrefsDto {
  return {
    ...(doNotDisturb(prefs, now) ? { doNotDisturbUntil: prefs.doNotDisturbUntil } : {}),
    mutes: prefs.mutes.filter((m) => until(m.until) > now),
  }
}

export function decideNotification(alert: AlertDto, change: AlertChange, ctx: NotifyContext): NotifyDecision {
  if (alert.muted || isMuted(alert, ctx.prefs, ctx.now)) return { show: false, reason: 'muted' }
  if (doNotDisturb(ctx.prefs, ctx.now)) return { show: false, reason: 'do-not-disturb' }
  // The same condition back within minutes of clearing: already told, the centre shows the count.
  if (change === 'reopened') return { show: false, reason: 'repeat' }
  // Only a real recovery is news; a dismissal, a removed container or finished work is not.
  if (change === 'resolved' && alert.resolution !== 'recovered') return { show: false, reason: 'quiet' }
  const recent = ctx.recent.filter((t) => ctx.now - t < NOTIFY_BURST.windowMs)
  if (recent.length >= NOTIFY_BURST.count) return { show: false, reason: 'rate-limited' }
  const resolved = change === 'resolved'
  return {
    show: true,
    notification: {
      alertId: alert.id,
      kind: resolved ? 'resolved' : 'raised',
      title: resolved ? `Resolved: ${alert.title}` : alert.title,
      body: resolved ? (alert.resolvedMessage ?? '') : alert.message,
      severity: resolved ? 'info' : alert.severity,
      silent: resolved || alert.severity === 'info',
      target: alert.target,
    },
  }
}
