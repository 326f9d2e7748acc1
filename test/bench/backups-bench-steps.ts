// Where a Homeport backup or restore spends its time: each job's steps, timed from the `job.update` events
// that announce them (the first span, before any step, is the job's set-up: reading the config, the app's
// sources, the snapshot listing of a restore). Names of apps and snapshots are replaced by placeholders so the
// same step of every round falls into one row.

import type { JobDto } from '../../shared/contract/index.js'
import { median } from './bench-stats.js'

type Spans = Map<string, number[]>

export interface StepClock {
  onJob(job: JobDto): void
  /** The spans of one finished job, under `what` ("first backup"…), kept for the report. */
  keep(jobId: string, what: string): void
  /** Median milliseconds per step, each kind of job in the order its steps came. */
  report(): Array<[string, string, string]>
}

export function stepClock(names: () => Record<string, string>): StepClock {
  const seen = new Map<string, Array<{ step: string; at: number }>>()
  const kept = new Map<string, Spans>()
  const normalise = (step: string) => {
    let text = step
    // Longest first: a clone's name starts with its app's.
    for (const [name, placeholder] of Object.entries(names()).sort((a, b) => b[0].length - a[0].length)) text = text.split(name).join(placeholder)
    return text.replace(/\b[0-9a-f]{8}\b/g, 'ID')
  }
  return {
    onJob(job) {
      const marks = seen.get(job.id) ?? [{ step: '(set-up before the first step)', at: Date.parse(job.startedAt) }]
      seen.set(job.id, marks)
      if (job.state !== 'running') marks.push({ step: '(end)', at: performance.timeOrigin + performance.now() })
      else if (job.step && marks[marks.length - 1].step !== normalise(job.step)) marks.push({ step: normalise(job.step), at: performance.timeOrigin + performance.now() })
    },
    keep(jobId, what) {
      const marks = seen.get(jobId) ?? []
      seen.delete(jobId)
      const spans = kept.get(what) ?? new Map<string, number[]>()
      kept.set(what, spans)
      for (let i = 0; i + 1 < marks.length; i++) {
        const list = spans.get(marks[i].step) ?? []
        spans.set(marks[i].step, list)
        list.push(marks[i + 1].at - marks[i].at)
      }
    },
    report() {
      const rows: Array<[string, string, string]> = []
      for (const [what, spans] of kept) for (const [step, ms] of spans) rows.push([what, step, `${(median(ms) / 1000).toFixed(2)} s`])
      return rows
    },
  }
}
