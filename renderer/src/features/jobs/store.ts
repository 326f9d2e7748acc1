import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { JobDto } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'

export const useJobsStore = defineStore('jobs', () => {
  const api = useApi()
  const byId = ref<Record<string, JobDto>>({})
  const finishListeners = new Map<string, Set<(job: JobDto) => void>>()

  function put(job: JobDto): void {
    const known = byId.value[job.id]
    // A late snapshot (a jobs.get answered after the final event) must not bring a finished job back to life.
    if (known && known.state !== 'running' && job.state === 'running') return
    byId.value = { ...byId.value, [job.id]: job }
    if (job.state !== 'running') {
      const listeners = finishListeners.get(job.id)
      finishListeners.delete(job.id)
      for (const listener of listeners ?? []) listener(job)
    }
  }

  api.on('job.update', put)
  api.onReconnect(() => {
    // Events sent while the socket was down are lost: fetch the jobs we are still waiting for.
    for (const job of Object.values(byId.value)) if (job.state === 'running') void track(job.id)
  })

  async function track(id: string): Promise<JobDto> {
    const job = await api.call('jobs.get', { id })
    put(job)
    return byId.value[id] ?? job
  }

  function get(id: string | undefined): JobDto | undefined {
    return id ? byId.value[id] : undefined
  }

  /** Runs `listener` once the job has finished (at once if it has already). */
  function onFinished(id: string, listener: (job: JobDto) => void): void {
    const job = byId.value[id]
    if (job && job.state !== 'running') {
      listener(job)
      return
    }
    let set = finishListeners.get(id)
    if (!set) finishListeners.set(id, (set = new Set()))
    set.add(listener)
  }

  async function cancel(id: string): Promise<void> {
    await api.call('jobs.cancel', { id })
  }

  return { byId, get, track, onFinished, cancel, put }
})
