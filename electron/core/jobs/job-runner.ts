// Long work (pull, install, update, transfer, backup) runs as a Job: an id the UI can follow, progress
// events it turns into bars, a log, and cancellation through an AbortSignal. The work function itself is
// responsible for leaving the server as it found it when it fails or is cancelled. Each job's snapshot is
// written to the history (SQLite) at its start, at each step and at its end — not on every progress tick.

import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { JobDto, JobKind, JobProgressItem, JobResults } from '../../../shared/contract/index.js'
import { HomeportError, toErrorInfo } from '../../../shared/errors.js'

export interface JobContext {
  signal: AbortSignal
  log(line: string): void
  step(text: string): void
  progress(items: JobProgressItem[], overall?: number): void
}

/** Where jobs are remembered: SQLite in the app (store/jobs-repo.ts), memory otherwise. */
export interface JobHistory {
  save(job: JobDto): void
  get(id: string): JobDto | undefined
  list(opts: { serverId?: string; limit: number }): JobDto[]
  prune(): void
}

const LOG_LIMIT = 2000

/** Errors of work that was stopped but could not undo itself (its rollback is incomplete or cannot reach the server). */
const LEFT_BEHIND = new Set(['ROLLBACK_INCOMPLETE', 'CONNECTION_LOST', 'UNREACHABLE', 'TIMEOUT', 'HOST_KEY_MISMATCH', 'AUTH_FAILED'])

/** History kept in memory only (tests, and cores without a database). */
export class MemoryJobHistory implements JobHistory {
  private readonly jobs = new Map<string, JobDto>()
  constructor(private readonly keep = 100) {}
  save(job: JobDto): void {
    this.jobs.delete(job.id)
    this.jobs.set(job.id, structuredClone(job))
  }
  get(id: string): JobDto | undefined {
    const job = this.jobs.get(id)
    return job && structuredClone(job)
  }
  list(opts: { serverId?: string; limit: number }): JobDto[] {
    return [...this.jobs.values()].reverse().filter((j) => !opts.serverId || j.serverId === opts.serverId).slice(0, opts.limit).map((j) => structuredClone(j))
  }
  prune(): void {
    for (const id of [...this.jobs.keys()].slice(0, Math.max(0, this.jobs.size - this.keep))) this.jobs.delete(id)
  }
}

type Running = { snapshot: JobDto; controller: AbortController; done: Promise<unknown> }

export class JobRunner extends EventEmitter<{ update: [JobDto] }> {
  private readonly running = new Map<string, Running>()

  constructor(private readonly history: JobHistory = new MemoryJobHistory()) {
    super()
  }

  start<K extends JobKind>(meta: { kind: K; title: string; serverId?: string; app?: string }, work: (ctx: JobContext) => Promise<JobResults[K]>): { id: string; done: Promise<JobResults[K]> } {
    const id = randomUUID()
    const controller = new AbortController()
    const snapshot = { id, ...meta, state: 'running', items: [], log: [], startedAt: new Date().toISOString() } as JobDto<K> as JobDto
    const changed = (persist = false) => {
      if (persist) this.history.save(snapshot)
      this.emit('update', structuredClone(snapshot))
    }
    const ctx: JobContext = {
      signal: controller.signal,
      log: (line) => {
        snapshot.log.push(line)
        if (snapshot.log.length > LOG_LIMIT) snapshot.log.splice(0, snapshot.log.length - LOG_LIMIT)
        changed()
      },
      step: (text) => {
        snapshot.step = text
        snapshot.log.push(text)
        changed(true)
      },
      progress: (items, overall) => {
        snapshot.items = items
        snapshot.progress = overall
        changed()
      },
    }
    const done = (async () => {
      try {
        const result = await work(ctx)
        snapshot.state = 'succeeded'
        snapshot.progress = 1
        ;(snapshot as JobDto<K>).result = result
        return result
      } catch (err) {
        snapshot.state = controller.signal.aborted ? 'cancelled' : 'failed'
        // A cancelled job that could not put everything back says so, rather than "nothing was left half-done".
        const told = controller.signal.aborted && !(err instanceof HomeportError && LEFT_BEHIND.has(err.code)) ? new HomeportError('CANCELLED') : err
        snapshot.error = toErrorInfo(told)
        throw told
      } finally {
        snapshot.endedAt = new Date().toISOString()
        this.running.delete(id)
        changed(true)
        this.history.prune()
      }
    })()
    done.catch(() => {})
    this.running.set(id, { snapshot, controller, done })
    changed(true)
    return { id, done }
  }

  cancel(id: string): void {
    const job = this.running.get(id)
    if (job) return void job.controller.abort(new HomeportError('CANCELLED'))
    if (!this.history.get(id)) throw new HomeportError('NOT_FOUND', `No job ${id}.`, { hint: 'The job may have finished already.' })
  }

  get(id: string): JobDto | undefined {
    const job = this.running.get(id)
    return job ? structuredClone(job.snapshot) : this.history.get(id)
  }

  /** Running jobs first, then the history, newest first. */
  list(opts: { serverId?: string; limit?: number } = {}): JobDto[] {
    const limit = opts.limit ?? 100
    const running = [...this.running.values()].map((j) => structuredClone(j.snapshot)).filter((j) => !opts.serverId || j.serverId === opts.serverId)
    const ids = new Set(running.map((j) => j.id))
    const past = this.history.list({ ...opts, limit }).filter((j) => !ids.has(j.id))
    return [...running, ...past].slice(0, limit)
  }

  async wait(id: string): Promise<unknown> {
    const job = this.running.get(id)
    if (job) return job.done
    const past = this.history.get(id)
    if (!past) throw new HomeportError('NOT_FOUND', `No job ${id}.`, { hint: 'The job may have finished already.' })
    if (past.state === 'succeeded') return past.result
    throw past.error ? HomeportError.from(past.error) : new HomeportError(past.state === 'cancelled' ? 'CANCELLED' : 'INTERNAL')
  }
}
