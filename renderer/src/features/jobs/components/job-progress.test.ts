import { describe, expect, it } from 'vitest'
import type { JobDto } from '../../../../../shared/contract/index.js'
import { summarizeJob } from './job-progress.js'

function job(over: Partial<JobDto<'install'>>): JobDto {
  return { id: 'j1', kind: 'install', title: 'Install web', state: 'running', items: [], log: [], startedAt: '2025-01-01T00:00:00Z', ...over }
}

describe('job progress', () => {
  it('gives one bar per image and an overall percentage weighted by bytes', () => {
    const view = summarizeJob(
      job({
        items: [
          { key: 'a', label: 'Pull a', current: 50, total: 100 },
          { key: 'b', label: 'Pull b', current: 300, total: 300 },
          { key: 'c', label: 'Pull c', current: 0, total: 0 },
        ],
        step: 'Create web-1',
      }),
    )
    expect(view.bars.map((b) => b.percent)).toEqual([50, 100, undefined])
    expect(view.overall).toBe(87.5)
    expect(view.step).toBe('Create web-1')
    expect(view.finished).toBe(false)
  })

  it("prefers the core's overall fraction, caps overshooting layers and is 100 once succeeded", () => {
    expect(summarizeJob(job({ progress: 0.25, items: [{ key: 'a', label: 'a', current: 90, total: 100 }] })).overall).toBe(25)
    expect(summarizeJob(job({ items: [{ key: 'a', label: 'a', current: 150, total: 100 }] })).bars[0].percent).toBe(100)
    const done = summarizeJob(job({ state: 'succeeded', items: [] }))
    expect(done).toMatchObject({ overall: 100, finished: true, succeeded: true })
    const failed = summarizeJob(job({ state: 'failed', items: [{ key: 'a', label: 'a', current: 10, total: 100 }] }))
    expect(failed).toMatchObject({ overall: 10, finished: true, succeeded: false })
  })

  it('has no overall figure before anything is measurable', () => {
    expect(summarizeJob(job({})).overall).toBeUndefined()
  })

  it('never shows a finished job below 100 %: every bar is full once it succeeded', () => {
    const done = summarizeJob(job({ state: 'succeeded', items: [{ key: 'a', label: 'a', current: 10, total: 100 }, { key: 'b', label: 'b', current: 0, total: 0 }] }))
    expect(done.overall).toBe(100)
    expect(done.bars.map((b) => b.percent)).toEqual([100, 100])
  })

  it('says an update with nothing to do is already up to date', () => {
    const update: JobDto = { ...job({ state: 'succeeded' }), kind: 'update', result: { status: 'up-to-date', app: 'web', recreated: [], created: [] } }
    expect(summarizeJob(update).outcome).toBe('web is already up to date: no newer image and no changed setting, nothing was recreated.')
    const updated: JobDto = { ...job({ state: 'succeeded' }), kind: 'update', result: { status: 'updated', app: 'web', recreated: ['web-1'], created: [] } }
    expect(summarizeJob(updated).outcome).toBeUndefined()
  })
})
