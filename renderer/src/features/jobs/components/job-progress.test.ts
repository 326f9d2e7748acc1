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
})
