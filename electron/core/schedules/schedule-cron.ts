// When a scheduled run happens (a backup, a task), written once as a cron expression and given to the server
// either as a cron entry or as a systemd timer's OnCalendar (the same instants). Only the part of cron both
// can say is accepted: numbers, `*`, lists, ranges and steps; not both a day of the month and a day of the
// week (cron ORs them, systemd ANDs them). The core also needs the last instant a schedule was due, to tell a
// missed run, and the next one, to show it.

import { HomeportError } from '../../../shared/errors.js'

const PRESETS: Record<string, string> = { hourly: '0 * * * *', daily: '0 3 * * *', weekly: '0 3 * * 0', monthly: '0 3 1 * *' }
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

export interface CronSchedule {
  /** The normalised expression (presets spelled out). */
  expression: string
  /** Per field, the values it matches. */
  sets: Set<number>[]
}

function invalid(when: string, why: string): HomeportError {
  return new HomeportError('INVALID_INPUT', `"${when}" is not a schedule Homeport can set: ${why}.`, {
    hint: 'Give a cron expression such as "30 2 * * *" (minute hour day month weekday), or hourly, daily, weekly or monthly.',
  })
}

function expand(part: string, f: (typeof FIELDS)[number], when: string): Set<number> {
  const out = new Set<number>()
  for (const item of part.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item)
    if (!m) throw invalid(when, `"${item}" in the ${f.name} field is not a number, range, list or step`)
    const lo = m[1] === '*' ? f.min : Number(m[2])
    const hi = m[1] === '*' ? f.max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? f.max : lo
    const step = m[4] !== undefined ? Number(m[4]) : 1
    if (lo < f.min || hi > f.max || lo > hi || step < 1) throw invalid(when, `the ${f.name} must be from ${f.min} to ${f.max}`)
    for (let v = lo; v <= hi; v += step) out.add(f.name === 'day of week' && v === 7 ? 0 : v)
  }
  return out
}

export function parseCron(when: string): CronSchedule {
  const expression = PRESETS[when.trim().toLowerCase()] ?? when.trim().replace(/\s+/g, ' ')
  const parts = expression.split(' ')
  if (parts.length !== 5) throw invalid(when, 'it needs five fields')
  const sets = parts.map((p, i) => expand(p, FIELDS[i], when))
  if (parts[2] !== '*' && parts[4] !== '*') throw invalid(when, 'give a day of the month or a day of the week, not both')
  return { expression, sets }
}

function list(set: Set<number>, all: number, pad: number): string {
  if (set.size === all) return '*'
  return [...set].sort((a, b) => a - b).map((v) => String(v).padStart(pad, '0')).join(',')
}

/** The same instants as systemd's OnCalendar. */
export function onCalendar(s: CronSchedule): string {
  const [minute, hour, dom, month, dow] = s.sets
  const days = dow.size === 7 ? '' : `${[...dow].sort((a, b) => a - b).map((d) => DAYS[d]).join(',')} `
  return `${days}*-${list(month, 12, 2)}-${list(dom, 31, 2)} ${list(hour, 24, 2)}:${list(minute, 60, 2)}:00`
}

function matches(s: CronSchedule, d: Date): boolean {
  const [minute, hour, dom, month, dow] = s.sets
  return minute.has(d.getMinutes()) && hour.has(d.getHours()) && dom.has(d.getDate()) && month.has(d.getMonth() + 1) && dow.has(d.getDay())
}

/**
 * The last instant at or before `at` the schedule was due (in this computer's time zone, which is the
 * server's for a home server on the same desk; a difference only shifts when a run counts as missed).
 */
export function previousDue(s: CronSchedule, at: Date, lookBackDays = 400): Date | undefined {
  const d = new Date(at)
  d.setSeconds(0, 0)
  for (let i = 0; i < lookBackDays * 24 * 60; i++) {
    if (matches(s, d)) return d
    d.setMinutes(d.getMinutes() - 1)
  }
  return undefined
}

/** The first instant after `at` the schedule is due (same time zone as previousDue). */
export function nextDue(s: CronSchedule, at: Date, lookAheadDays = 400): Date | undefined {
  const d = new Date(at)
  d.setSeconds(0, 0)
  for (let i = 0; i < lookAheadDays * 24 * 60; i++) {
    d.setMinutes(d.getMinutes() + 1)
    if (matches(s, d)) return d
  }
  return undefined
}
