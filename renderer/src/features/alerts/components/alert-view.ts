// The notification centre's wording as plain functions: how long ago, what an alert's state reads, which
// mutes it offers and how a mute or do-not-disturb is described.

import type { AlertDto, MuteDto } from '../../../../../shared/contract/index.js'

export function timeAgo(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  if (seconds < 45) return 'just now'
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.round(minutes / 60)
  if (hours < 24) return `${hours} h ago`
  const days = Math.round(hours / 24)
  return days < 14 ? `${days} d ago` : new Date(iso).toLocaleDateString()
}

const RESOLUTIONS: Record<NonNullable<AlertDto['resolution']>, string> = {
  recovered: 'recovered',
  dismissed: 'dismissed',
  gone: 'gone',
  done: 'done',
  expired: 'expired',
}

export function stateText(alert: AlertDto): string {
  if (alert.state === 'open') return alert.occurrences > 1 ? `open · seen ${alert.occurrences} times` : 'open'
  return alert.resolution ? RESOLUTIONS[alert.resolution] : 'resolved'
}

export const MUTE_DURATIONS: { label: string; minutes?: number }[] = [
  { label: 'for 1 hour', minutes: 60 },
  { label: 'for 1 day', minutes: 24 * 60 },
  { label: 'until unmuted' },
]

export interface MuteChoice {
  key: string
  label: string
  serverId: string
  app?: string
  minutes?: number
}

/** Mute the alert's app (when it has one) or its whole server, each for an hour, a day or until unmuted. */
export function muteChoices(alert: AlertDto, serverName: string): MuteChoice[] {
  if (!alert.serverId) return []
  const serverId = alert.serverId
  const subjects: { app?: string; label: string }[] = [...(alert.app ? [{ app: alert.app, label: `Mute ${alert.app}` }] : []), { label: `Mute ${serverName}` }]
  return subjects.flatMap((s) =>
    MUTE_DURATIONS.map((d) => ({
      key: `${s.app ?? '*'}:${d.minutes ?? 'forever'}`,
      label: `${s.label} ${d.label}`,
      serverId,
      ...(s.app ? { app: s.app } : {}),
      ...(d.minutes ? { minutes: d.minutes } : {}),
    })),
  )
}

/** "until 14:05" for a mute or do-not-disturb that ends, "until turned off" otherwise (stored as year 9999). */
export function untilText(until: string | undefined): string {
  if (!until || until.startsWith('9999')) return 'until turned off'
  const at = new Date(until)
  const sameDay = at.toDateString() === new Date().toDateString()
  return `until ${sameDay ? at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : at.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' })}`
}

export function muteText(mute: MuteDto, serverName: string): string {
  return `${mute.app ? `${mute.app} on ${serverName}` : serverName} — ${untilText(mute.until)}`
}
