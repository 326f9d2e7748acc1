import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { JobDto } from '../../../../shared/contract/index.js'
import { HomeportError } from '../../../../shared/errors.js'
import { useApi } from '../../api/client.js'
import { asHomeportError } from '../../api/errors.js'
import { useJobsStore } from '../jobs/store.js'
import { fromBase64, toBase64 } from './components/base64.js'

/** Bytes sent to or read from the core per call (the web host takes messages up to 16 MiB). */
export const STAGE_CHUNK = 2 * 1024 * 1024

/** A file the page holds (dropped or picked), with its path under the drop (`photos/a.jpg` for a folder). */
export interface PageFile {
  relativePath: string
  file: Blob
}

/** Where the files come from or go to, in the page's words. */
export interface TransferPlace {
  serverId: string
  volume?: string
}

export type TransferPhase = 'preparing' | 'running' | 'saving' | 'succeeded' | 'failed' | 'cancelled'

export interface Transfer {
  id: string
  kind: 'upload' | 'download' | 'copy'
  label: string
  phase: TransferPhase
  /** The core's job once started; its items carry bytes, rate and ETA. */
  jobId?: string
  /** Bytes handed between the page and the core (a browser's own part of the work). */
  pageBytes?: { done: number; total: number }
  error?: HomeportError
}

function cancelledError(): HomeportError {
  return new HomeportError('CANCELLED', 'The transfer was cancelled.')
}

function joinLocal(dir: string, relative: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/'
  return `${dir.replace(/[\\/]+$/, '')}${sep}${relative.split('/').join(sep)}`
}

let counter = 0

/** Uploads, downloads and copies on the server, each with its progress and a cancel, newest first. */
export const useTransfersStore = defineStore('file-transfers', () => {
  const api = useApi()
  const jobs = useJobsStore()
  const list = ref<Transfer[]>([])
  const cancelled = new Set<string>()

  function add(kind: Transfer['kind'], label: string): Transfer {
    const id = `t${++counter}`
    list.value = [{ id, kind, label, phase: 'preparing' }, ...list.value]
    return find(id)!
  }
  function find(id: string): Transfer | undefined {
    return list.value.find((t) => t.id === id)
  }
  function update(id: string, patch: Partial<Transfer>): void {
    list.value = list.value.map((t) => (t.id === id ? { ...t, ...patch } : t))
  }
  function checkCancel(id: string): void {
    if (cancelled.has(id)) throw cancelledError()
  }

  async function finished(jobId: string): Promise<JobDto> {
    const job = new Promise<JobDto>((resolve) => jobs.onFinished(jobId, resolve))
    await jobs.track(jobId).catch(() => undefined)
    return job
  }

  /** Follows a job started elsewhere (a copy on the server) in the panel. */
  function follow(kind: Transfer['kind'], label: string, jobId: string): void {
    const t = add(kind, label)
    update(t.id, { jobId, phase: 'running' })
    void finished(jobId).then((job) => update(t.id, endOf(job)))
  }

  function endOf(job: JobDto): Partial<Transfer> {
    if (job.state === 'succeeded') return { phase: 'succeeded' }
    if (job.state === 'cancelled') return { phase: 'cancelled' }
    return { phase: 'failed', ...(job.error ? { error: HomeportError.from(job.error) } : {}) }
  }

  /** Runs a transfer's steps; whatever they end with (a failed job, an error, a cancel) ends up on its row. */
  async function run(t: Transfer, steps: () => Promise<JobDto | undefined>, cleanup?: () => Promise<void>): Promise<Transfer> {
    try {
      const job = await steps()
      if (job && job.state !== 'succeeded') update(t.id, endOf(job))
      else update(t.id, { phase: 'succeeded' })
    } catch (err) {
      const error = asHomeportError(err)
      update(t.id, error.code === 'CANCELLED' ? { phase: 'cancelled' } : { phase: 'failed', error })
    } finally {
      cancelled.delete(t.id)
      await cleanup?.().catch(() => undefined)
    }
    return find(t.id)!
  }

  async function startJob(t: Transfer, start: () => Promise<{ jobId: string }>): Promise<JobDto> {
    checkCancel(t.id)
    const { jobId } = await start()
    update(t.id, { jobId, phase: 'running' })
    // A cancel pressed while the job was starting reaches it now.
    if (cancelled.has(t.id)) await jobs.cancel(jobId).catch(() => undefined)
    return finished(jobId)
  }

  /** Uploads paths on the computer running the core (the desktop app knows where dropped files live). */
  function uploadPaths(at: TransferPlace, destination: string, sources: string[]): Promise<Transfer> {
    const t = add('upload', sources.length === 1 ? `Upload ${sources[0]}` : `Upload ${sources.length} items`)
    return run(t, () => startJob(t, () => api.call('files.upload', { ...at, sources, destination, onClash: 'ask' })))
  }

  /** Uploads files the page holds (a browser tab): their bytes go to a staging folder first, then up as one job. */
  function uploadFiles(at: TransferPlace, destination: string, files: PageFile[]): Promise<Transfer> {
    const tops = [...new Set(files.map((f) => f.relativePath.split('/')[0]))]
    const t = add('upload', tops.length === 1 ? `Upload ${tops[0]}` : `Upload ${tops.length} items`)
    const total = files.reduce((sum, f) => sum + f.file.size, 0)
    let stageId: string | undefined
    return run(
      t,
      async () => {
        const stage = await api.call('files.stageCreate', {})
        stageId = stage.stageId
        let done = 0
        update(t.id, { pageBytes: { done, total } })
        for (const { relativePath, file } of files) {
          for (let offset = 0; offset === 0 || offset < file.size; offset += STAGE_CHUNK) {
            checkCancel(t.id)
            const bytes = new Uint8Array(await file.slice(offset, offset + STAGE_CHUNK).arrayBuffer())
            await api.call('files.stageWrite', { stageId: stage.stageId, name: relativePath, offset, data: toBase64(bytes) })
            done += bytes.length
            update(t.id, { pageBytes: { done, total } })
          }
        }
        return startJob(t, () => api.call('files.upload', { ...at, sources: tops.map((top) => joinLocal(stage.path, top)), destination, onClash: 'ask' }))
      },
      async () => {
        if (stageId) await api.call('files.stageDiscard', { stageId })
      },
    )
  }

  /** Downloads into a folder of the computer running the core (the desktop app asked where). */
  function downloadToFolder(at: TransferPlace, sources: string[], destination: string): Promise<Transfer> {
    const t = add('download', sources.length === 1 ? `Download ${sources[0]}` : `Download ${sources.length} items`)
    return run(t, () => startJob(t, () => api.call('files.download', { ...at, sources, destination, onClash: 'ask' })))
  }

  /** Downloads files for a browser tab: into a staging folder, then read back and handed to `save` one by one. */
  function downloadToPage(at: TransferPlace, sources: string[], save: (name: string, blob: Blob) => void): Promise<Transfer> {
    const t = add('download', sources.length === 1 ? `Download ${sources[0]}` : `Download ${sources.length} files`)
    let stageId: string | undefined
    return run(
      t,
      async () => {
        const stage = await api.call('files.stageCreate', {})
        stageId = stage.stageId
        const job = await startJob(t, () => api.call('files.download', { ...at, sources, destination: stage.path, onClash: 'overwrite' }))
        if (job.state !== 'succeeded') return job
        update(t.id, { phase: 'saving' })
        const total = job.kind === 'download' ? (job.result?.bytes ?? 0) : 0
        let done = 0
        for (const source of sources) {
          const name = source.slice(source.lastIndexOf('/') + 1)
          const parts: Uint8Array<ArrayBuffer>[] = []
          for (let offset = 0, size = 1; offset < size; ) {
            checkCancel(t.id)
            const chunk = await api.call('files.stageRead', { stageId: stage.stageId, name, offset, length: STAGE_CHUNK })
            const bytes = fromBase64(chunk.data)
            parts.push(bytes)
            size = chunk.size
            offset += bytes.length
            done += bytes.length
            update(t.id, { pageBytes: { done, total: Math.max(total, done) } })
            if (!bytes.length) break
          }
          save(name, new Blob(parts))
        }
        return job
      },
      async () => {
        if (stageId) await api.call('files.stageDiscard', { stageId })
      },
    )
  }

  async function cancel(id: string): Promise<void> {
    const t = find(id)
    if (!t || ['succeeded', 'failed', 'cancelled'].includes(t.phase)) return
    cancelled.add(id)
    if (t.jobId && t.phase === 'running') await jobs.cancel(t.jobId)
  }

  /** Clears the finished rows. */
  function clearFinished(): void {
    list.value = list.value.filter((t) => !['succeeded', 'failed', 'cancelled'].includes(t.phase))
  }

  return { list, follow, uploadPaths, uploadFiles, downloadToFolder, downloadToPage, cancel, clearFinished }
})
