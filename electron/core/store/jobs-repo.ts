// Job history: every job's last snapshot (state, steps, log, result or error), so a restarted app shows the
// last jobs and their logs. Job logs never hold secrets (the jobs that write them take care of that).

import type { JobDto } from '../../../shared/contract/index.js'
import type { Db } from './database.js'

/** Finished jobs kept; older ones are pruned when a job ends. */
const JOB_HISTORY_LIMIT = 500

export class JobsRepo {
  constructor(private readonly db: Db) {}

  save(job: JobDto): void {
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, server_id, state, started_at, ended_at, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET state = excluded.state, ended_at = excluded.ended_at, snapshot = excluded.snapshot`,
      )
      .run(job.id, job.kind, job.serverId ?? null, job.state, job.startedAt, job.endedAt ?? null, JSON.stringify(job))
  }

  get(id: string): JobDto | undefined {
    const row = this.db.prepare('SELECT snapshot FROM jobs WHERE id = ?').get(id) as { snapshot: string } | undefined
    return row && (JSON.parse(row.snapshot) as JobDto)
  }

  /** Newest first. */
  list(opts: { serverId?: string; limit: number }): JobDto[] {
    const rows = (
      opts.serverId
        ? this.db.prepare('SELECT snapshot FROM jobs WHERE server_id = ? ORDER BY started_at DESC LIMIT ?').all(opts.serverId, opts.limit)
        : this.db.prepare('SELECT snapshot FROM jobs ORDER BY started_at DESC LIMIT ?').all(opts.limit)
    ) as { snapshot: string }[]
    return rows.map((r) => JSON.parse(r.snapshot) as JobDto)
  }

  /** A job still `running` in the table was cut off by a quit or crash of the app that ran it. */
  markInterrupted(now: string): number {
    const rows = this.db.prepare("SELECT snapshot FROM jobs WHERE state = 'running'").all() as { snapshot: string }[]
    for (const r of rows) {
      const job = JSON.parse(r.snapshot) as JobDto
      this.save({
        ...job,
        state: 'failed',
        endedAt: now,
        error: {
          code: 'CANCELLED',
          message: 'Homeport quit while this job was running.',
          hint: 'An install or update is rolled back the next time Homeport connects to its server; then run it again.',
        },
      })
    }
    return rows.length
  }

  prune(keep = JOB_HISTORY_LIMIT): void {
    this.db.prepare('DELETE FROM jobs WHERE id NOT IN (SELECT id FROM jobs ORDER BY started_at DESC LIMIT ?)').run(keep)
  }
}
