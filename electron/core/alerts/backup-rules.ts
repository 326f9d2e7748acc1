// Backup alerts from the run log the server's schedules write, read when Homeport connects: a failed
// scheduled run is an alert (one per run, however often the log is read again) until a later run of the
// same app and kind succeeds; a run that was due but never started (the server was off, the timer gone)
// is a missed-run alert until a later run starts.

import type { AlertDto, ScheduleDto, ScheduledRunDto } from '../../../shared/contract/index.js'
import type { AlertRef, AlertSpec, RuleAction } from './alert-spec.js'

export interface BackupRuleInput {
  serverId: string
  serverName: string
  runs: ScheduledRunDto[]
  schedules: ScheduleDto[]
  now: Date
  /** The last instant a cron expression was due at or before a time. */
  previousDue(expression: string, at: Date): Date | undefined
  seen(ref: AlertRef): boolean
  open: AlertDto[]
}

/** A run that has not logged its start this long after it was due counts as missed. */
export const MISSED_AFTER_MS = 15 * 60_000
const KINDS = { backup: 'backup', check: 'repository check', drill: 'restore drill' } as const

export function backupRunActions(input: BackupRuleInput): RuleAction[] {
  const { serverId, serverName } = input
  const actions: RuleAction[] = []
  const target = (app: string) => ({ kind: 'app' as const, serverId, app })
  for (const schedule of input.schedules) {
    for (const kind of ['backup', 'check', 'drill'] as const) {
      const runs = input.runs.filter((r) => r.app === schedule.app && r.kind === kind)
      const finished = runs.filter((r) => r.status !== 'started')
      const last = finished.at(-1)
      const openOf = (rule: AlertSpec['rule']) => input.open.filter((a) => a.rule === rule && a.app === schedule.app && a.subject.startsWith(`${kind} `))
      if (last?.status === 'failed') {
        const spec: AlertSpec = {
          rule: 'backup.failed',
          severity: 'critical',
          serverId,
          app: schedule.app,
          subject: `${kind} ${last.run}`,
          title: `The scheduled ${KINDS[kind]} of ${schedule.app} on ${serverName} failed`,
          message: `It failed at ${last.time}: ${last.error ?? 'no reason recorded'}`,
          target: target(schedule.app),
        }
        if (!input.seen(spec)) actions.push({ raise: spec })
      } else if (last?.status === 'ok') {
        for (const a of openOf('backup.failed')) actions.push({ resolve: { ref: a, resolution: 'recovered', message: `The scheduled ${KINDS[kind]} at ${last.time} succeeded.` } })
      }
      const when = schedule[kind]
      if (!when) continue
      const due = input.previousDue(when, new Date(input.now.getTime() - MISSED_AFTER_MS))
      const lastStart = runs.filter((r) => r.status === 'started').at(-1)
      const since = Date.parse(schedule.createdAt)
      if (due && due.getTime() > since && (!lastStart || Date.parse(lastStart.time) < due.getTime() - 60_000)) {
        const spec: AlertSpec = {
          rule: 'backup.missed',
          severity: 'warning',
          serverId,
          app: schedule.app,
          subject: `${kind} due ${due.toISOString()}`,
          title: `The scheduled ${KINDS[kind]} of ${schedule.app} on ${serverName} did not run`,
          message: `It was due at ${due.toISOString()} and never started${lastStart ? ` (the last one started at ${lastStart.time})` : ''}. Check that the server was on and that its timer or cron entry is still there (set the schedule again).`,
          target: target(schedule.app),
        }
        if (!input.seen(spec)) actions.push({ raise: spec })
      } else if (lastStart) {
        for (const a of openOf('backup.missed')) actions.push({ resolve: { ref: a, resolution: 'recovered', message: `A scheduled ${KINDS[kind]} started at ${lastStart.time}.` } })
      }
    }
  }
  return actions
}
