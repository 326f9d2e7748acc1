// The tasks part of the contract; the CLI and the window reach the same calls through here.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { tasksContract } from '../../../shared/contract/tasks.js'
import type { SshSession } from '../connection/types.js'
import type { JobRunner } from '../jobs/job-runner.js'
import type { AppDto } from '../../../shared/contract/apps.js'
import { runTaskNow } from './task-run.js'
import { addTask, findTask, listTasks, removeTask, taskHistory, taskLog } from './task-service.js'

export interface TasksDeps {
  session(serverId: string): Promise<SshSession>
  idOf(idOrName: string): string
  serverName(serverId: string): string
  apps(serverId: string): Promise<AppDto[]>
  jobs: JobRunner
}

export function tasksHandlers(d: TasksDeps): HandlersFor<typeof tasksContract> {
  const server = async (idOrName: string) => {
    const id = d.idOf(idOrName)
    return { id, session: await d.session(id), serverName: d.serverName(id) }
  }
  return {
    'tasks.add': async ({ serverId, name, cron, target, command }) => {
      const s = await server(serverId)
      return addTask({ session: s.session, serverName: s.serverName, apps: () => d.apps(s.id) }, { name, cron, target, command })
    },
    'tasks.list': async ({ serverId }) => listTasks((await server(serverId)).session),
    'tasks.run': async ({ serverId, name }) => {
      const s = await server(serverId)
      const { task, paths } = await findTask(s.session, name, s.serverName)
      const { id } = d.jobs.start({ kind: 'task', title: `Run task ${name} on ${s.serverName}`, serverId: s.id }, (ctx) => runTaskNow(s.session, s.serverName, task, paths, ctx))
      return { jobId: id }
    },
    'tasks.history': async ({ serverId, name, limit }) => {
      const s = await server(serverId)
      return taskHistory(s.session, name, s.serverName, limit)
    },
    'tasks.logs': async ({ serverId, name, run }) => {
      const s = await server(serverId)
      return taskLog(s.session, name, s.serverName, run)
    },
    'tasks.remove': async ({ serverId, name, deleteHistory }) => {
      const s = await server(serverId)
      return removeTask(s.session, name, s.serverName, deleteHistory)
    },
  }
}
