// Timing helpers for the benchmarks: sequential samples, percentiles, and a plain-text table.

/** Rejects if one call takes longer than `ms`, so a server that went away ends the run instead of hanging it. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

export async function sample(count: number, call: () => Promise<unknown>, warmup = 0, deadlineMs = 30_000): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await withDeadline(call(), deadlineMs, 'a warm-up call')
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint()
    await withDeadline(call(), deadlineMs, 'a measured call')
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return times
}

/**
 * Samples several paths call by call in turn (a, b, a, b, …), so the machine's drift in load and the JIT's
 * warming affect each alike. Returns one list of times per path, in the order given.
 */
export async function sampleInterleaved(count: number, calls: Array<() => Promise<unknown>>, warmup = 0, deadlineMs = 30_000): Promise<number[][]> {
  for (let i = 0; i < warmup; i++) for (const call of calls) await withDeadline(call(), deadlineMs, 'a warm-up call')
  const times = calls.map(() => [] as number[])
  for (let i = 0; i < count; i++) {
    for (const [k, call] of calls.entries()) {
      const start = process.hrtime.bigint()
      await withDeadline(call(), deadlineMs, 'a measured call')
      times[k].push(Number(process.hrtime.bigint() - start) / 1e6)
    }
  }
  return times
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]
}

export const median = (values: number[]): number => percentile(values, 50)

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a'
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ')
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/** One measured path of a benchmark: its label and every sample, in ms. */
export interface TimedRow {
  label: string
  times: number[]
}
