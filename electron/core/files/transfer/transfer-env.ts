// What every file of one transfer job shares: the server, the job, its meter and request window, and the
// counts that end up in the job's result.

import type { JobContext } from '../../jobs/job-runner.js'
import type { HostTarget } from '../host-target.js'
import type { ProgressMeter } from './progress-meter.js'
import type { RequestWindow } from './request-window.js'

/** Requests in flight for one file, and for the whole job. */
export const FILE_DEPTH = 16
export const JOB_WINDOW = 32

export interface TransferEnv {
  target: HostTarget
  ctx: JobContext
  meter: ProgressMeter
  window: RequestWindow
  verify: 'size' | 'sha256'
  /** Names this job's temporary files, so a resumed file finds its own. */
  token: string
  counts: { resumed: number; verified: number }
}
