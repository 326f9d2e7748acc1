// What Homeport does with the task runs on the server when it connects: a failed run since the last one seen
// becomes an alert (rule in alerts/task-rules.ts).

import type { AlertCenter } from '../alerts/alert-center.js'
import { taskRunActions } from '../alerts/task-rules.js'
import type { SshSession } from '../connection/types.js'
import { readRuns } from './task-runs.js'
import { readTasks, taskPaths } from './task-service.js'

export async function readTaskRuns(session: SshSession, serverId: string, serverName: string, center: AlertCenter): Promise<void> {
  const p = await taskPaths(session)
  const tasks = await readTasks(session, p)
  if (!tasks.length) return
  const runs = await readRuns(session, p.root)
  center.apply(taskRunActions({ serverId, serverName, runs, tasks: tasks.map((t) => t.name), seen: (ref) => center.seen(ref), open: center.openAlerts(serverId) }))
}
