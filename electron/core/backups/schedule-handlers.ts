// The schedule part of the backups contract.

import type { backupsContract } from '../../../shared/contract/backups.js'
import type { HandlersFor } from '../../../shared/contract/index.js'
import type { BackupsDomain } from './backups-domain.js'
import { getSchedule, readRunLog, removeSchedule, setSchedule } from './schedule-service.js'

type ScheduleCalls = Pick<HandlersFor<typeof backupsContract>, 'backups.scheduleSet' | 'backups.scheduleGet' | 'backups.scheduleRemove' | 'backups.scheduledRuns'>

export function scheduleHandlers(b: BackupsDomain): ScheduleCalls {
  return {
    'backups.scheduleSet': async ({ serverId, app, backup, check, drill, storeSecretsOnServer }) => {
      const { srv, session } = await b.server(serverId)
      return setSchedule(srv, session, app, { backup, ...(check ? { check } : {}), ...(drill ? { drill } : {}), storeSecretsOnServer })
    },
    'backups.scheduleGet': async ({ serverId, app }) => getSchedule((await b.server(serverId)).session, app),
    'backups.scheduleRemove': async ({ serverId, app }) => removeSchedule((await b.server(serverId)).session, app),
    'backups.scheduledRuns': async ({ serverId, app, limit }) =>
      (await readRunLog((await b.server(serverId)).session))
        .filter((r) => !app || r.app === app)
        .reverse()
        .slice(0, limit),
  }
}
