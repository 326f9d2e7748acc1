// The schedule part of the backups contract.

import type { backupsContract, ScheduleDto } from '../../../shared/contract/backups.js'
import type { HandlersFor } from '../../../shared/contract/index.js'
import type { BackupsDomain } from './backups-domain.js'
import { nextDue, parseCron } from '../schedules/schedule-cron.js'
import { getSchedule, readRunLog, removeSchedule, setSchedule } from './schedule-service.js'

/** The schedule with when each of its runs is next due, for a window to show. */
export function withNextRuns(s: ScheduleDto, now = new Date()): ScheduleDto {
  const next: NonNullable<ScheduleDto['next']> = {}
  for (const kind of ['backup', 'check', 'drill'] as const) {
    const when = s[kind]
    const due = when ? nextDue(parseCron(when), now) : undefined
    if (due) next[kind] = due.toISOString()
  }
  return { ...s, next }
}

type ScheduleCalls = Pick<HandlersFor<typeof backupsContract>, 'backups.scheduleSet' | 'backups.scheduleGet' | 'backups.scheduleRemove' | 'backups.scheduledRuns'>

export function scheduleHandlers(b: BackupsDomain): ScheduleCalls {
  return {
    'backups.scheduleSet': async ({ serverId, app, backup, check, drill, storeSecretsOnServer }) => {
      const { srv, session } = await b.server(serverId)
      return withNextRuns(await setSchedule(srv, session, app, { backup, ...(check ? { check } : {}), ...(drill ? { drill } : {}), storeSecretsOnServer }))
    },
    'backups.scheduleGet': async ({ serverId, app }) => {
      const schedule = await getSchedule((await b.server(serverId)).session, app)
      return schedule && withNextRuns(schedule)
    },
    'backups.scheduleRemove': async ({ serverId, app }) => removeSchedule((await b.server(serverId)).session, app),
    'backups.scheduledRuns': async ({ serverId, app, limit }) =>
      (await readRunLog((await b.server(serverId)).session))
        .filter((r) => !app || r.app === app)
        .reverse()
        .slice(0, limit),
  }
}
