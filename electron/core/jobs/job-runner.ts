// Long work (pull, install, update, transfer, backup) runs as a Job: an id the UI can follow, progress
// events it turns into bars, a log, and cancellation through an AbortSignal. The work function itself is
// responsible for leaving the server as it found it when it fails or is cancelled.

import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { JobDto } from '../../../shared/apps-dto.js'
import { HomeportError, toErrorInfo } from '../../../shared/errors.js'

export type JobSnapshot = JobDto
export type JobState = JobDto['state']
export type JobProgressItem = JobDto['items'][number]

export interface JobContext {
  signal: AbortSignal
  log(line: string): void
  step(text: string): void
  progress(items: JobProgressItem[], overall?: number): void
}

const LOG_LIMIT = 2000

export class JobRunner extends EventEmitter {
  private readonly jobs = new Map<string, { snapshot: JobSnapshot; controller: AbortController; done: Promise<unknown> }>()

  start<T>(meta: { kind: string; title: string; serverId?: string }, work: (ctx: JobContext) => Promise<T>): { id: string; done: Promise<T> } {
    const id = randomUUID()
    const controller = new AbortController()
    const snapshot: JobSnapshot = { id, ...meta, state: 'running', items: [], log: [], startedAt: new Date().toISOString() }
    const changed = () => this.emit('update', structuredClone(snapshot))
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
        changed()
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
        snapshot.result = result
        return result
      } catch (err) {
        snapshot.state = controller.signal.aborted ? 'cancelled' : 'failed'
        snapshot.error = controller.signal.aborted ? new HomeportError('CANCELLED').toJSON() : toErrorInfo(err)
        throw controller.signal.aborted ? new HomeportError('CANCELLED') : err
      } finally {
        snapshot.endedAt = new Date().toISOString()
        changed()
      }
    })()
    done.catch(() => {})
    this.jobs.set(id, { snapshot, controller, done })
    changed()
    return { id, done }
  }

  cancel(id: string): void {
    const job = this.jobs.get(id)
    if (!job) throw new HomeportError('NOT_FOUND', `No job ${id}.`, { hint: 'The job may have finished already.' })
    if (job.snapshot.state === 'running') job.controller.abort(new HomeportError('CANCELLED'))
  }

  get(id: string): JobSnapshot | undefined {
    const job = this.jobs.get(id)
    return job && structuredClone(job.snapshot)
  }

  list(): JobSnapshot[] {
    return [...this.jobs.values()].map((j) => structuredClone(j.snapshot))
  }

  async wait(id: string): Promise<unknown> {
    const job = this.jobs.get(id)
    if (!job) throw new HomeportError('NOT_FOUND', `No job ${id}.`, { hint: 'The job may have finished already.' })
    return job.done
  }
}
