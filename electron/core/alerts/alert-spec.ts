// What a rule hands to the alert centre: the alert it wants raised, or the one whose condition cleared.
// An alert is identified by its rule, server and subject, so the same condition seen again is the same alert.

import type { AlertDto, AlertResolution, AlertRule } from '../../../shared/contract/index.js'

/** The alert as a rule describes it: an AlertDto without the centre's own bookkeeping. */
export type AlertSpec = Pick<AlertDto, 'rule' | 'severity' | 'serverId' | 'app' | 'subject' | 'title' | 'message' | 'target'>

export interface AlertRef {
  rule: AlertRule
  serverId?: string
  subject: string
}

export interface Resolution {
  ref: AlertRef
  resolution: AlertResolution
  message: string
}

/** A rule's verdict on what it just saw. */
export type RuleAction = { raise: AlertSpec } | { resolve: Resolution }

export function alertKey(ref: AlertRef): string {
  return `${ref.rule}|${ref.serverId ?? ''}|${ref.subject}`
}

/** Bytes as people read them: 1.5 GB, 930 MB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`
}

/** A duration as people say it: 45 s, 3 min, 2 h 5 min. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min`
  const h = Math.floor(m / 60)
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`
}
