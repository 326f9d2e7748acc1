// Turns a job snapshot into what the progress view draws: one bar per pulled image and an overall bar.

import type { JobDto } from '../../../../../shared/contract/index.js'

export interface ProgressBar {
  key: string
  label: string
  current: number
  total: number
  /** `steps` for an image build (its Dockerfile's steps); sizes otherwise. */
  unit?: 'bytes' | 'steps'
  /** 0–100; undefined while the size is not known yet (Docker reports a layer's size only once it starts). */
  percent: number | undefined
}

export interface JobProgressView {
  bars: ProgressBar[]
  /** 0–100; undefined while nothing measurable has happened. */
  overall: number | undefined
  step: string | undefined
  finished: boolean
  succeeded: boolean
  /** How it ended, in words, when the result says more than "Finished" (an update with nothing to do). */
  outcome: string | undefined
}

function percentOf(current: number, total: number): number | undefined {
  if (total <= 0) return undefined
  return Math.round((Math.min(current, total) / total) * 1000) / 10
}

export function summarizeJob(job: JobDto): JobProgressView {
  // A finished job is finished everywhere: a layer that was already present never reports its last bytes.
  const done = job.state === 'succeeded'
  const bars = job.items.map((item) => ({ ...item, percent: done ? 100 : percentOf(item.current, item.total) }))
  const total = job.items.reduce((sum, item) => sum + Math.max(item.total, 0), 0)
  const current = job.items.reduce((sum, item) => sum + Math.min(Math.max(item.current, 0), Math.max(item.total, 0)), 0)
  const finished = job.state !== 'running'
  let overall: number | undefined
  if (job.state === 'succeeded') overall = 100
  else if (job.progress !== undefined) overall = Math.round(Math.min(Math.max(job.progress, 0), 1) * 1000) / 10
  else overall = percentOf(current, total)
  return { bars, overall, step: job.step, finished, succeeded: done, outcome: outcomeOf(job) }
}

function outcomeOf(job: JobDto): string | undefined {
  if (job.kind === 'update' && job.result?.status === 'up-to-date') return `${job.result.app} is already up to date: no newer image and no changed setting, nothing was recreated.`
  return undefined
}
