// Job alerts: a finished job is news (kept in the history, notified quietly); a failed one is an open alert
// until a later run of the same work succeeds or the person dismisses it. A cancelled job was the person's
// own doing and is no alert.

import type { JobDto } from '../../../shared/contract/index.js'
import type { AlertSpec } from './alert-spec.js'
import type { AlertCenter } from './alert-center.js'

export function onJobUpdate(center: AlertCenter, job: JobDto, serverName: (id: string) => string): void {
  if (job.state === 'running' || job.state === 'cancelled') return
  const where = job.serverId ? ` on ${serverName(job.serverId)}` : ''
  const base = {
    ...(job.serverId ? { serverId: job.serverId } : {}),
    subject: `${job.kind}: ${job.title}`,
    target: { kind: 'job' as const, jobId: job.id, ...(job.serverId ? { serverId: job.serverId } : {}) },
  }
  const failed: AlertSpec = { ...base, rule: 'job.failed', severity: 'warning', title: `${job.title} failed${where}`, message: job.error ? `${job.error.message} ${job.error.hint}` : 'See the job log.' }
  if (job.state === 'failed') {
    center.raise(failed)
    return
  }
  center.resolveRef({ ref: failed, resolution: 'done', message: `${job.title} succeeded in a later run.` })
  center.note({ ...base, rule: 'job.succeeded', severity: 'info', title: `${job.title} finished${where}`, message: 'Done.' }, 'Done.')
}
