// Files in flight at once: `parallel` workers take the next item as they finish one. A failure stops new
// items from starting (those in flight finish, each whole or not at all) and is thrown once all have ended.

export async function runPool<T>(items: readonly T[], parallel: number, signal: AbortSignal, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failure: unknown
  const worker = async (): Promise<void> => {
    while (failure === undefined && !signal.aborted && next < items.length) {
      const item = items[next++]
      try {
        await work(item)
      } catch (err) {
        failure ??= err
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker))
  if (failure !== undefined) throw failure
  signal.throwIfAborted()
}
