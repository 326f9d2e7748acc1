// What Homeport does with the server's run log when it connects: failed and missed scheduled runs become
// alerts (rule in alerts/backup-rules.ts), and a scheduled drill that passed becomes the app's last proven
// restore, as one started from Homeport does.

import type { PolicyDto, ScheduledRunDto } from '../../../shared/contract/backups.js'
import type { SshSession } from '../connection/types.js'
import { backupRunActions } from '../alerts/backup-rules.js'
import type { AlertCenter } from '../alerts/alert-center.js'
import { changeBackupConfig, readBackupConfig } from './backup-config.js'
import { parseCron, previousDue } from '../schedules/schedule-cron.js'
import { listSchedules, readRunLog } from './schedule-service.js'

export async function readScheduledRuns(session: SshSession, serverId: string, serverName: string, center: AlertCenter, now = new Date()): Promise<void> {
  const schedules = await listSchedules(session)
  if (!schedules.length) return
  const runs = await readRunLog(session)
  center.apply(
    backupRunActions({
      serverId,
      serverName,
      runs,
      schedules,
      now,
      previousDue: (expression, at) => previousDue(parseCron(expression), at),
      seen: (ref) => center.seen(ref),
      open: center.openAlerts(serverId),
    }),
  )
  await recordScheduledDrills(session, runs)
}

/**
 * Scheduled drills that passed become the apps' last proven restore (as one started from Homeport does);
 * read when policies are read too, so a one-shot CLI call that never watches the server still sees them.
 */
export async function recordScheduledDrills(session: SshSession, log?: ScheduledRunDto[]): Promise<PolicyDto[]> {
  const runs = log ?? (await readRunLog(session))
  const config = await readBackupConfig(session)
  const proven = new Map<string, { time: string; snapshotId: string }>()
  for (const r of runs) if (r.kind === 'drill' && r.status === 'ok' && r.snapshotId) proven.set(r.app, { time: r.time, snapshotId: r.snapshotId })
  const newer = [...proven].filter(([app, p]) => {
    const current = config.policies.find((x) => x.app === app)
    return current && (!current.lastProvenRestore || current.lastProvenRestore.time < p.time)
  })
  if (!newer.length) return config.policies
  return changeBackupConfig(session, (c) => {
    for (const [app, p] of newer) {
      const policy = c.policies.find((x) => x.app === app)
      if (policy) policy.lastProvenRestore = p
    }
    return c.policies
  })
}
