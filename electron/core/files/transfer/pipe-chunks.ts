// One file's bytes as a pipeline of fixed-size chunks: up to `depth` chunks in flight (and one window slot
// each), issued in order, completing in any order. `prefix` is the end of the bytes done without a gap:
// where a transfer resumes after the connection dropped, whatever else had arrived.

import type { RequestWindow } from './request-window.js'

export interface PipeOptions {
  from: number
  size: number
  chunk: number
  depth: number
  window: RequestWindow
  signal: AbortSignal
  /** Called as chunks complete: bytes done so far (from 0) and the gap-free prefix. */
  onProgress(done: number, prefix: number): void
}

export async function pipeChunks(opts: PipeOptions, work: (pos: number, len: number) => Promise<void>): Promise<void> {
  const finished = new Map<number, number>()
  let prefix = opts.from
  let done = opts.from
  let inFlight = 0
  let failure: unknown
  let wake: (() => void) | undefined
  const settled = (): void => {
    inFlight--
    opts.window.give()
    const w = wake
    wake = undefined
    w?.()
  }
  const slotFree = (): Promise<void> => new Promise<void>((resolve) => (wake = resolve))

  for (let pos = opts.from; pos < opts.size && failure === undefined; ) {
    if (opts.signal.aborted) {
      failure = opts.signal.reason
      break
    }
    while (inFlight >= opts.depth) await slotFree()
    if (failure !== undefined) break
    try {
      await opts.window.take(opts.signal)
    } catch (err) {
      failure = err
      break
    }
    const at = pos
    const len = Math.min(opts.chunk, opts.size - pos)
    pos += len
    inFlight++
    work(at, len).then(
      () => {
        finished.set(at, len)
        done += len
        while (finished.has(prefix)) {
          const n = finished.get(prefix)!
          finished.delete(prefix)
          prefix += n
        }
        opts.onProgress(done, prefix)
        settled()
      },
      (err: unknown) => {
        failure ??= err
        settled()
      },
    )
  }
  while (inFlight > 0) await slotFree()
  if (failure !== undefined) throw failure
}
