import { describe, expect, it } from 'vitest'
import type { AlertDto, ScheduledRunDto } from '../../../shared/contract/index.js'
import { parseCron, previousDue } from '../schedules/schedule-cron.js'
import { alertKey, type AlertRef } from './alert-spec.js'
import { backupRunActions, type BackupRuleInput } from './backup-rules.js'

const schedule = { app: 'notes', backup: '0 3 * * *', via: 'cron' as const, createdAt: '2026-11-01T00:00:00.000Z' }
const run = (status: ScheduledRunDto['status'], time: string, extra: Partial<ScheduledRunDto> = {}): ScheduledRunDto => ({ app: 'notes', kind: 'backup', status, time, run: `r-${time}`, ...extra })

function input(runs: ScheduledRunDto[], now: Date, seen: AlertRef[] = [], open: AlertDto[] = []): BackupRuleInput {
  const keys = new Set(seen.map(alertKey))
  return { serverId: 's1', serverName: 'home', runs, schedules: [schedule], now, previousDue: (e, at) => previousDue(parseCron(e), at), seen: (ref) => keys.has(alertKey(ref)), open }
}

describe('backup run alerts', () => {
  const justAfter = (hours: number) => new Date(new Date(2026, 10, 30, 3, 0).getTime() + hours * 3600_000)
  const started = new Date(2026, 10, 30, 3, 0).toISOString()

  it('raises one alert for a failed run, and none once it was seen', () => {
    const runs = [run('started', started), run('failed', started, { error: 'wrong password' })]
    const actions = backupRunActions(input(runs, justAfter(1)))
    expect(actions).toHaveLength(1)
    const raised = (actions[0] as { raise: AlertDto }).raise
    expect(raised).toMatchObject({ rule: 'backup.failed', app: 'notes', severity: 'critical' })
    expect(raised.message).toContain('wrong password')
    expect(backupRunActions(input(runs, justAfter(1), [raised]))).toEqual([])
  })

  it('resolves the failure when a later run succeeds', () => {
    const open = { rule: 'backup.failed', app: 'notes', serverId: 's1', subject: 'backup r-x', state: 'open' } as AlertDto
    const runs = [run('started', started), run('ok', started, { snapshotId: 'abc' })]
    expect(backupRunActions(input(runs, justAfter(1), [], [open]))).toEqual([{ resolve: expect.objectContaining({ resolution: 'recovered', ref: open }) }])
  })

  it('raises a missed run when a due run never started', () => {
    const yesterday = new Date(new Date(2026, 10, 29, 3, 0)).toISOString()
    const actions = backupRunActions(input([run('started', yesterday), run('ok', yesterday)], justAfter(1)))
    expect(actions).toHaveLength(1)
    expect((actions[0] as { raise: AlertDto }).raise).toMatchObject({ rule: 'backup.missed', app: 'notes' })
    // Not yet missed within the grace period.
    expect(backupRunActions(input([run('started', yesterday), run('ok', yesterday)], justAfter(0.1)))).toEqual([])
  })
})
