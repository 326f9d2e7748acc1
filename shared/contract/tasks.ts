// Scheduled tasks: a command run on the server at cron times by the server itself (so it runs while this
// computer is off), either in a running service of an app or in a short-lived container of an image. Each
// run's exit code, times and log are kept on the server, the last runs per task.

import { z } from 'zod'
import { appName } from './apps.js'
import { ScheduleWhen } from './backups.js'
import { method, out } from './define.js'

const serverId = z.string().min(1)
export const TaskName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lower-case letters, digits and "-" (at most 40), starting with a letter or digit')
const ServiceName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'is not a compose service name')
const ImageRef = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$/, 'is not an image reference (such as busybox:1.36 or registry:5000/team/tool)')
export const TaskRunId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'is not a run id (as tasks.history lists them)')

/** Where the command runs: `docker exec` in the app's running service, or `docker run --rm` of an image. */
export const TaskTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('app'), app: appName, service: ServiceName }),
  z.object({ kind: z.literal('image'), image: ImageRef }),
])
export type TaskTargetDto = z.output<typeof TaskTarget>

/** The command as argv: each word passed as it is, never through a shell. */
export const TaskCommand = z
  .array(z.string().max(4000).refine((w) => !w.includes('\0'), 'may not contain a NUL character'))
  .min(1, 'needs at least the program to run')
  .max(200)
  .refine((argv) => argv[0].length > 0, 'starts with an empty program name')

/** How many runs each task keeps on the server, and how much of each run's log (the end of it). */
export const TASK_RUNS_KEPT = 20
export const TASK_LOG_BYTES = 1024 * 1024

export interface TaskRunDto {
  task: string
  run: string
  /**
   * `running` until the command ends (or when it was cut off without its end being written); `skipped` when
   * it was due while another run of the task was still going (one run at a time).
   */
  status: 'running' | 'ok' | 'failed' | 'skipped'
  /** The run that was still going, for a skipped one. */
  skippedFor?: string
  exitCode?: number
  startedAt: string
  endedAt?: string
  durationMs?: number
  /** Size of the log kept on the server; `truncated` when only its last TASK_LOG_BYTES were kept. */
  logBytes?: number
  truncated?: boolean
}

export interface TaskDto {
  name: string
  /** A cron expression (minute hour day month weekday), the server's local time. */
  cron: string
  target: TaskTargetDto
  command: string[]
  /** How the server runs it: a systemd user timer, or a cron entry where the user has no systemd. */
  via: 'systemd' | 'cron'
  lingering?: boolean
  createdAt: string
  /** The next instant it is due (in this computer's time zone). */
  nextRun?: string
  lastRun?: TaskRunDto
}

export interface TaskLogDto {
  run: TaskRunDto
  log: string
}

const TaskRef = z.object({ serverId, name: TaskName })

export const tasksContract = {
  /** Adds (or replaces) a task: its script and its timer or cron entry on the server. An `app` target must name an app and one of its services. */
  'tasks.add': method(TaskRef.extend({ cron: ScheduleWhen, target: TaskTarget, command: TaskCommand }), out<TaskDto>()),
  'tasks.list': method(z.object({ serverId }), out<TaskDto[]>()),
  /** Runs a task now as a `task` job whose log is the command's output; the run joins the task's history. */
  'tasks.run': method(TaskRef, out<{ jobId: string }>()),
  /** The task's runs, newest first. */
  'tasks.history': method(TaskRef.extend({ limit: z.number().int().min(1).max(TASK_RUNS_KEPT).default(TASK_RUNS_KEPT) }), out<TaskRunDto[]>()),
  /** One run's log (default: the latest run). */
  'tasks.logs': method(TaskRef.extend({ run: TaskRunId.optional() }), out<TaskLogDto>()),
  /** Removes the task's timer or cron entry and its script; its history too only with `deleteHistory`. */
  'tasks.remove': method(TaskRef.extend({ deleteHistory: z.boolean().default(false) }), out<{ historyKept: boolean }>()),
} as const
