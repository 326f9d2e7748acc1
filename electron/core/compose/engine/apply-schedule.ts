import { setMaxListeners } from 'node:events'

// How apply spends round trips over a slow link: work that depends on no unfinished work goes out together,
// and journal steps written down in the same turn reach the server in one write. Only real dependencies
// (depends_on, network_mode service:x, networks before containers) wait.

/** Writers made by coalescedRecord: wrapping one again would only delay its writes by a turn. */
const coalescing = new WeakSet<() => Promise<void>>()

export function isCoalesced(record: (...args: never[]) => Promise<void>): boolean {
  return coalescing.has(record as () => Promise<void>)
}

/**
 * A journal writer that carries every step pushed before its write starts: services that become ready in
 * the same turn share one write instead of queueing one each. Writes never overlap, so the server's copy
 * only ever grows.
 */
export function coalescedRecord(save?: () => Promise<void>): () => Promise<void> {
  if (!save) return () => Promise.resolve()
  let pending: Promise<void> | undefined
  let last: Promise<void> = Promise.resolve()
  const record = () => {
    // setImmediate runs after every promise callback of this turn: all who push now are in the write.
    pending ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => last.catch(() => undefined))
      .then(() => {
        pending = undefined
        last = save()
        return last
      })
    return pending
  }
  coalescing.add(record)
  return record
}

/**
 * A signal for one run that follows the job's: the run's concurrent pulls and waits each listen to it, as
 * many as there are services at once, while the job's signal carries just this one listener (Node warns past
 * ten on one signal). `done()` lets go of the job's signal.
 */
export function runSignal(job?: AbortSignal): { signal?: AbortSignal; done(): void } {
  if (!job) return { signal: undefined, done: () => {} }
  const run = new AbortController()
  setMaxListeners(0, run.signal)
  const forward = () => run.abort(job.reason)
  if (job.aborted) forward()
  else job.addEventListener('abort', forward, { once: true })
  return { signal: run.signal, done: () => job.removeEventListener('abort', forward) }
}

/** Waits for every one of `work` to settle, then throws the first failure: a rollback never races a step still under way. */
export async function allSettledOrThrow(work: readonly Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(work)
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
}

/** Thrown into work that had not started when another piece failed; the first failure is what is reported. */
class Stopped extends Error {}

/**
 * Runs `work` for each item as soon as the items it depends on are done, everything that can go at once
 * together. `items` come in an order where dependencies come first. The first failure stops what has not
 * started (work calls `stopIfFailed` between its steps); everything under way settles before that failure is
 * thrown, so a rollback never races a step still in flight.
 */
export async function runInDependencyOrder<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  dependsOn: (item: T) => string[],
  work: (item: T, stopIfFailed: () => void) => Promise<void>,
): Promise<void> {
  const tasks = new Map<string, Promise<void>>()
  let failure: { err: unknown } | undefined
  const stopIfFailed = () => {
    if (failure) throw new Stopped()
  }
  for (const item of items) {
    const before = dependsOn(item).flatMap((d) => tasks.get(d) ?? [])
    const task = (async () => {
      await Promise.all(before)
      stopIfFailed()
      await work(item, stopIfFailed)
    })()
    tasks.set(
      keyOf(item),
      task.catch((err: unknown) => {
        if (!(err instanceof Stopped)) failure ??= { err }
        throw err
      }),
    )
  }
  await Promise.allSettled(tasks.values())
  if (failure) throw failure.err
}
