// Jobs: long work (install, update, and later transfers, backups, provisioning) with an id, progress, a log,
// cancel, and a result whose type follows from the job's kind. History is kept by the core across restarts.

import { z } from 'zod'
import type { ErrorInfo } from '../errors.js'
import type { InstallJobResult, UpdateJobResult } from './apps.js'
import type { BackupJobResult, DrillJobResult, RestoreJobResult } from './backups.js'
import type { DeployJobResult } from './deploy.js'
import { event, method, out } from './define.js'
import type { CopyJobResult, TransferJobResult } from './files.js'
import type { ProvisionJobResult } from './provision.js'
import type { TaskRunDto } from './tasks.js'

/** Each kind of job and the result it ends with. A new kind of long work adds its line here. */
export interface JobResults {
  install: InstallJobResult
  update: UpdateJobResult
  provision: ProvisionJobResult
  upload: TransferJobResult
  download: TransferJobResult
  copy: CopyJobResult
  backup: BackupJobResult
  restore: RestoreJobResult
  drill: DrillJobResult
  deploy: DeployJobResult
  task: TaskRunDto
}
export type JobKind = keyof JobResults
export const JOB_KINDS = ['install', 'update', 'provision', 'upload', 'download', 'copy', 'backup', 'restore', 'drill', 'deploy', 'task'] as const satisfies readonly JobKind[]

export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled'
export interface JobProgressItem {
  key: string
  label: string
  current: number
  total: number
  /** `bytes` when current/total count bytes (transfers), so a front end can show sizes; `steps` for a build's Dockerfile steps. */
  unit?: 'bytes' | 'steps'
  /** Bytes per second, smoothed over the last seconds. */
  rate?: number
  /** Seconds left at the current rate. */
  etaSeconds?: number
}

interface JobBase {
  id: string
  title: string
  serverId?: string
  /** The app the job works on (a backup's, a restore's target), so a list can say "Backing up nextcloud". */
  app?: string
  state: JobState
  progress?: number
  items: JobProgressItem[]
  step?: string
  log: string[]
  startedAt: string
  endedAt?: string
  error?: ErrorInfo
}

/** A job as it crosses the bridge; narrowing on `kind` types `result`. */
export type JobDto<K extends JobKind = JobKind> = { [P in K]: JobBase & { kind: P; result?: JobResults[P] } }[K]

export const jobsContract = {
  /** Running jobs and the most recent finished ones (kept across restarts), newest first. */
  'jobs.list': method(z.object({ serverId: z.string().min(1).optional(), limit: z.number().int().min(1).max(500).default(100) }), out<JobDto[]>()),
  'jobs.get': method(z.object({ id: z.string().min(1) }), out<JobDto>()),
  'jobs.cancel': method(z.object({ id: z.string().min(1) }), out<void>()),
} as const

export const jobsEvents = {
  'job.update': event<JobDto>(),
} as const
