// Tasks on one server. What is scheduled lives on the server (tasks.json), so a second computer sees the same
// tasks; each task has its script and its runs in a folder of its own; the agent's timer or cron entry runs
// the script. Adding checks the app and service first, so a task never waits for a run to fail on a typo.

import { posix } from 'node:path'
import type { AppDto } from '../../../shared/contract/apps.js'
import { TASK_RUNS_KEPT, type TaskDto, type TaskLogDto, type TaskRunDto, type TaskTargetDto } from '../../../shared/contract/tasks.js'
import { HomeportError } from '../../../shared/errors.js'
import { readServerFile, writeServerFiles } from '../connection/sftp.js'
import type { SshSession } from '../connection/types.js'
import { nextDue, parseCron } from '../schedules/schedule-cron.js'
import { homeFolder, installSchedule, readScheduledList, removeScheduleEntry, scheduleDockerSocket, changeScheduledList } from '../schedules/server-schedule.js'
import { readRuns } from './task-runs.js'
import { taskScript } from './task-script.js'

export type TaskDefinition = Omit<TaskDto, 'nextRun' | 'lastRun'>

export interface TaskServer {
  session: SshSession
  serverName: string
  /** The server's apps, as the apps domain lists them. */
  apps(): Promise<AppDto[]>
}

export interface TaskPaths {
  root: string
  file: string
  script(name: string): string
  runs(name: string): string
}

export async function taskPaths(session: SshSession): Promise<TaskPaths> {
  const root = posix.join(await homeFolder(session), '.local/share/homeport/tasks')
  return { root, file: posix.join(root, 'tasks.json'), script: (n) => posix.join(root, n, 'run.sh'), runs: (n) => posix.join(root, n, 'runs') }
}

export function timerName(task: string): string {
  return `task-${task}`
}

export async function readTasks(session: SshSession, p: TaskPaths): Promise<TaskDefinition[]> {
  return readScheduledList(session, p.file, 'tasks', 'task list')
}

async function changeTasks(session: SshSession, p: TaskPaths, change: (tasks: TaskDefinition[]) => TaskDefinition[]): Promise<void> {
  await changeScheduledList<TaskDefinition>(session, p.file, 'tasks', 'task list', (tasks) => change(tasks).sort((a, b) => a.name.localeCompare(b.name)))
}

function cronOf(cron: string) {
  try {
    return parseCron(cron)
  } catch (err) {
    if (!(err instanceof HomeportError)) throw err
    throw new HomeportError('INVALID_INPUT', err.message, {
      hint: 'Give the Schedule as a cron expression such as "30 2 * * *" (minute hour day month weekday), or hourly, daily, weekly or monthly.',
      cliHint: 'Pass --cron with five fields, such as --cron "30 2 * * *" (minute hour day month weekday), or hourly, daily, weekly or monthly.',
    })
  }
}

async function checkTarget(srv: TaskServer, target: TaskTargetDto): Promise<void> {
  if (target.kind !== 'app') return
  const app = (await srv.apps()).find((a) => a.name === target.app)
  if (!app) {
    throw new HomeportError('NOT_FOUND', `There is no app "${target.app}" on ${srv.serverName}.`, { hint: 'Pick one of the apps installed on this server, or run the task in an image instead.', cliHint: 'See `homeport apps list SERVER`, or use --image IMAGE instead of --app.' })
  }
  const services = [...new Set(app.services.map((s) => s.service))].sort()
  if (!services.includes(target.service)) {
    throw new HomeportError('NOT_FOUND', `The app "${target.app}" has no service "${target.service}"; its services are ${services.join(', ') || 'none'}.`, { hint: 'Pick one of its services.', cliHint: `Pass --service with one of: ${services.join(', ')}.` })
  }
}

export async function addTask(srv: TaskServer, input: { name: string; cron: string; target: TaskTargetDto; command: string[] }): Promise<TaskDto> {
  const when = cronOf(input.cron)
  await checkTarget(srv, input.target)
  const { session } = srv
  const p = await taskPaths(session)
  const dockerSocket = await scheduleDockerSocket(session, srv.serverName)
  const mk = await session.exec(['mkdir', '-p', '-m', '700', '--', p.runs(input.name)])
  if (mk.code !== 0) throw new HomeportError('PERMISSION_DENIED', `Could not create ${p.root} on ${srv.serverName}.`, { details: mk.stderr })
  await writeServerFiles(session, [{ path: p.script(input.name), content: taskScript({ name: input.name, target: input.target, command: input.command, dockerSocket, runsDir: p.runs(input.name) }), mode: 0o700 }])
  const installed = await installSchedule(session, timerName(input.name), when, p.script(input.name), 'run')
  const task: TaskDefinition = { name: input.name, cron: when.expression, target: input.target, command: input.command, via: installed.via, ...(installed.lingering !== undefined ? { lingering: installed.lingering } : {}), createdAt: new Date().toISOString() }
  await changeTasks(session, p, (tasks) => [...tasks.filter((t) => t.name !== input.name), task])
  return withRuns(task, [])
}

function withRuns(task: TaskDefinition, runs: TaskRunDto[], now = new Date()): TaskDto {
  const next = nextDue(parseCron(task.cron), now)
  const last = runs.filter((r) => r.task === task.name).at(-1)
  return { ...task, ...(next ? { nextRun: next.toISOString() } : {}), ...(last ? { lastRun: last } : {}) }
}

export async function listTasks(session: SshSession): Promise<TaskDto[]> {
  const p = await taskPaths(session)
  const tasks = await readTasks(session, p)
  if (!tasks.length) return []
  const runs = await readRuns(session, p.root)
  return tasks.map((t) => withRuns(t, runs))
}

export async function findTask(session: SshSession, name: string, serverName: string): Promise<{ task: TaskDefinition; paths: TaskPaths }> {
  const p = await taskPaths(session)
  const task = (await readTasks(session, p)).find((t) => t.name === name)
  if (!task) throw new HomeportError('NOT_FOUND', `There is no task "${name}" on ${serverName}.`, { hint: 'Pick one of the tasks listed for this server.', cliHint: 'See `homeport tasks list SERVER`.' })
  return { task, paths: p }
}

/** Newest first. */
export async function taskHistory(session: SshSession, name: string, serverName: string, limit = TASK_RUNS_KEPT): Promise<TaskRunDto[]> {
  const { paths } = await findTask(session, name, serverName)
  return (await readRuns(session, paths.root, name)).reverse().slice(0, limit)
}

export async function taskLog(session: SshSession, name: string, serverName: string, run?: string): Promise<TaskLogDto> {
  const { paths } = await findTask(session, name, serverName)
  const runs = await readRuns(session, paths.root, name)
  const found = run ? runs.find((r) => r.run === run) : runs.at(-1)
  if (!found) {
    throw new HomeportError('NOT_FOUND', run ? `The task "${name}" has no run ${run} on ${serverName} (it keeps its last ${TASK_RUNS_KEPT}).` : `The task "${name}" has not run yet on ${serverName}.`, {
      hint: run ? 'Pick a run from its history.' : 'Run it now, or wait for its schedule.',
      cliHint: run ? 'See `homeport tasks history SERVER NAME`.' : 'Run it with `homeport tasks run SERVER NAME`.',
    })
  }
  return { run: found, log: (await readServerFile(session, posix.join(paths.runs(name), `${found.run}.log`))) ?? '' }
}

export async function removeTask(session: SshSession, name: string, serverName: string, deleteHistory: boolean): Promise<{ historyKept: boolean }> {
  const { paths } = await findTask(session, name, serverName)
  await removeScheduleEntry(session, timerName(name))
  const gone = deleteHistory ? [posix.dirname(paths.script(name))] : [paths.script(name)]
  const rm = await session.exec(['rm', '-rf', '--', ...gone])
  if (rm.code !== 0) throw new HomeportError('PERMISSION_DENIED', `Could not remove ${gone.join(', ')} on ${serverName}.`, { details: rm.stderr })
  await changeTasks(session, paths, (tasks) => tasks.filter((t) => t.name !== name))
  return { historyKept: !deleteHistory }
}
