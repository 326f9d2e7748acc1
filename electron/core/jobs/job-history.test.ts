// Job history in a real SQLite file: a restarted app lists the last jobs with their logs and results, a job
// cut off by a quit is shown as failed, and the history stays bounded.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../store/database.js'
import { JobsRepo } from '../store/jobs-repo.js'
import { JobRunner } from './job-runner.js'

const dir = mkdtempSync(join(tmpdir(), 'homeport-jobs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const installed = (app: string) => ({ status: 'installed' as const, app, containers: [`${app}-web-1`] })

describe('job history', () => {
  it('survives a restart with steps, log and typed result', async () => {
    const db = openDatabase(dir)
    const runner = new JobRunner(new JobsRepo(db))
    const { id, done } = runner.start({ kind: 'install', title: 'Install blog', serverId: 's1' }, async (ctx) => {
      ctx.step('Pull images')
      ctx.log('Pulled 127.0.0.1:5000/homeport/busybox:1')
      return installed('blog')
    })
    await done
    const failing = runner.start({ kind: 'update', title: 'Update blog', serverId: 's2' }, async () => {
      throw new Error('socket hang up')
    })
    await failing.done.catch(() => {})
    db.close()

    const reopened = openDatabase(dir)
    const after = new JobRunner(new JobsRepo(reopened))
    const job = after.get(id)
    expect(job).toMatchObject({ kind: 'install', state: 'succeeded', title: 'Install blog', log: ['Pull images', 'Pulled 127.0.0.1:5000/homeport/busybox:1'] })
    if (job?.kind !== 'install') throw new Error('kind lost')
    expect(job.result).toEqual(installed('blog'))
    expect(after.list().map((j) => j.id)).toEqual([failing.id, id])
    expect(after.list({ serverId: 's1' }).map((j) => j.id)).toEqual([id])
    expect(after.get(failing.id)).toMatchObject({ state: 'failed', error: { details: 'socket hang up' } })
    await expect(after.wait(failing.id)).rejects.toMatchObject({ details: 'socket hang up' })
    reopened.close()
  })

  it('shows a job cut off by a quit as failed, not running forever', () => {
    const db = openDatabase(dir)
    const repo = new JobsRepo(db)
    const runner = new JobRunner(repo)
    const { id } = runner.start({ kind: 'install', title: 'Install slow', serverId: 's1' }, () => new Promise(() => {}))
    expect(runner.get(id)?.state).toBe('running')
    db.close()

    const reopened = openDatabase(dir)
    const repo2 = new JobsRepo(reopened)
    expect(repo2.markInterrupted(new Date().toISOString())).toBe(1)
    expect(repo2.get(id)).toMatchObject({ state: 'failed', error: { message: expect.stringContaining('quit while this job was running') } })
    reopened.close()
  })

  it('keeps at most the configured number of finished jobs', async () => {
    const db = openDatabase(join(dir, 'bounded'))
    const repo = new JobsRepo(db)
    for (let i = 0; i < 7; i++) {
      repo.save({ id: `j${i}`, kind: 'install', title: `Job ${i}`, state: 'succeeded', items: [], log: [], startedAt: new Date(2026, 0, 1, 0, i).toISOString() })
    }
    repo.prune(5)
    expect(repo.list({ limit: 100 }).map((j) => j.id)).toEqual(['j6', 'j5', 'j4', 'j3', 'j2'])
    db.close()
  })
})
