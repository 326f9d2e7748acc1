import { describe, expect, it } from 'vitest'
import type { JobDto } from '../../../shared/contract/index.js'
import { JobRunner } from './job-runner.js'

const installed = { status: 'installed' as const, app: 'a', containers: [] }

describe('JobRunner', () => {
  it('reports progress, log and the result of a job that succeeds', async () => {
    const runner = new JobRunner()
    const updates: JobDto[] = []
    runner.on('update', (s: JobDto) => updates.push(s))
    const { id, done } = runner.start({ kind: 'install', title: 'Count' }, async (ctx) => {
      ctx.step('counting')
      ctx.progress([{ key: 'a', label: 'A', current: 5, total: 10 }], 0.5)
      return installed
    })
    await expect(done).resolves.toEqual(installed)
    const final = runner.get(id)!
    expect(final).toMatchObject({ state: 'succeeded', progress: 1, result: installed, log: ['counting'] })
    expect(updates.some((u) => u.progress === 0.5 && u.items[0].current === 5)).toBe(true)
  })

  it('cancels through the signal and records the job as cancelled, not failed', async () => {
    const runner = new JobRunner()
    const { id, done } = runner.start({ kind: 'install', title: 'Wait' }, (ctx) =>
      new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('stopped')))),
    )
    runner.cancel(id)
    await expect(done).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(runner.get(id)).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } })
  })

  it('keeps a failure as a people-facing error with the raw text in details', async () => {
    const runner = new JobRunner()
    const { id, done } = runner.start({ kind: 'install', title: 'Fail' }, async () => {
      throw new Error('socket hang up')
    })
    await expect(done).rejects.toThrow('socket hang up')
    expect(runner.get(id)).toMatchObject({ state: 'failed', error: { code: 'INTERNAL', details: 'socket hang up' } })
    expect(() => runner.cancel('nope')).toThrow(/No job/)
  })
})
