// Image pulls with progress per layer, aggregated per image. Docker streams one JSON object per line:
// {status, id, progressDetail: {current, total}}; totals are known per layer only once it starts.

import type Docker from 'dockerode'
import { pullFailure } from './pull-errors.js'

export interface LayerProgress {
  id: string
  status: string
  current: number
  total: number
}

export interface PullProgress {
  image: string
  layers: LayerProgress[]
  /** Bytes done / known bytes over all layers (downloads; extraction counts as done). */
  current: number
  total: number
  done: boolean
}

interface PullEvent {
  status?: string
  id?: string
  error?: string
  errorDetail?: { message?: string }
  progressDetail?: { current?: number; total?: number }
}

export interface PullOptions {
  signal?: AbortSignal
  onProgress?: (p: PullProgress) => void
  authconfig?: Record<string, string>
  /** The reference the compose file names, when a registry mirror rewrote it into `image`: failures name both. */
  requested?: string
}

/** Pulls `image`; a failure Docker explains (unreachable registry, missing image, login, rate limit) gets its own code. */
export async function pullImage(docker: Docker, image: string, opts: PullOptions = {}): Promise<void> {
  try {
    await pullStream(docker, image, opts)
  } catch (err) {
    if (opts.signal?.aborted) throw err
    throw pullFailure(err, { image, requested: opts.requested })
  }
}

async function pullStream(docker: Docker, image: string, opts: PullOptions): Promise<void> {
  const layers = new Map<string, LayerProgress>()
  const report = (done: boolean) => {
    const list = [...layers.values()]
    const total = list.reduce((s, l) => s + l.total, 0)
    const current = list.reduce((s, l) => s + Math.min(l.current, l.total), 0)
    opts.onProgress?.({ image, layers: list, current: done ? total : current, total, done })
  }
  const stream = (await docker.pull(image, opts.authconfig ? { authconfig: opts.authconfig } : {})) as NodeJS.ReadableStream & { destroy?: () => void }
  const onAbort = () => stream.destroy?.()
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null, output: PullEvent[]) => {
          const failed = output?.find((e) => e.error)
          if (err) reject(err)
          else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error))
          else if (opts.signal?.aborted) reject(opts.signal.reason ?? new Error('cancelled'))
          else resolve()
        },
        (event: PullEvent) => {
          if (!event.id || event.error) return
          const layer = layers.get(event.id) ?? { id: event.id, status: '', current: 0, total: 0 }
          layer.status = event.status ?? layer.status
          if (event.progressDetail?.total) layer.total = event.progressDetail.total
          if (event.status === 'Downloading' && event.progressDetail?.current !== undefined) layer.current = event.progressDetail.current
          if (event.status === 'Download complete' || event.status === 'Pull complete' || event.status === 'Already exists') layer.current = layer.total
          layers.set(event.id, layer)
          report(false)
        },
      )
    })
    report(true)
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
  }
}
