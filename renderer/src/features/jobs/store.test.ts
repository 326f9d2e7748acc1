import { describe, expect, it, vi } from 'vitest'
import type { JobDto } from '../../../../shared/contract/index.js'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { useJobsStore } from './store.js'

function job(state: JobDto['state'], current = 0): JobDto {
  return { id: 'j1', kind: 'install', title: 'Install', state, items: [{ key: 'img', label: 'Pull img', current, total: 10 }], log: [], startedAt: 'now' }
}

const bridge = useFakeBridge()

describe('jobs store', () => {
  it('follows job.update events and tells waiters once the job has finished', async () => {
    const jobs = useJobsStore()
    bridge.answer('jobs.get', job('running', 2))
    await jobs.track('j1')
    const finished: string[] = []
    jobs.onFinished('j1', (j) => finished.push(j.state))
    bridge.emit('job.update', job('running', 5))
    expect(jobs.get('j1')?.items[0].current).toBe(5)
    expect(finished).toEqual([])
    bridge.emit('job.update', job('failed', 5))
    expect(finished).toEqual(['failed'])
    // A late snapshot does not bring the finished job back to life.
    bridge.answer('jobs.get', job('running', 5))
    await jobs.track('j1')
    expect(jobs.get('j1')?.state).toBe('failed')
  })

  it('asks the core for running jobs again after the transport reconnects', async () => {
    const jobs = useJobsStore()
    bridge.emit('job.update', job('running'))
    bridge.answer('jobs.get', job('succeeded', 10))
    bridge.reconnect()
    await vi.waitFor(() => expect(jobs.get('j1')?.state).toBe('succeeded'))
    expect(bridge.calls.filter((c) => c.method === 'jobs.get')).toEqual([{ method: 'jobs.get', input: { id: 'j1' } }])
  })
})
