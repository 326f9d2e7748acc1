// Progress of a transfer as job progress items: one line for the whole job and one per file in flight, each
// with bytes, a smoothed rate and the time left. Files report as often as their bytes arrive; the job's
// items are sent at most every `intervalMs`, so thousands of small files do not flood the front ends.

import type { JobProgressItem } from '../../../../shared/contract/index.js'
import type { JobContext } from '../../jobs/job-runner.js'

const SHOWN_FILES = 20
/** Weight of the newest sample in the smoothed rate. */
const ALPHA = 0.3

interface Rate {
  value?: number
  lastBytes: number
  lastAt: number
}

function nextRate(rate: Rate, bytes: number, now: number): void {
  const dt = (now - rate.lastAt) / 1000
  if (dt < 0.05) return
  const sample = Math.max(0, bytes - rate.lastBytes) / dt
  rate.value = rate.value === undefined ? sample : ALPHA * sample + (1 - ALPHA) * rate.value
  rate.lastBytes = bytes
  rate.lastAt = now
}

/** Past this a stalled transfer (its smoothed rate decaying toward 0) shows no time left rather than years. */
const LONGEST_ETA_S = 7 * 24 * 3600

/** Seconds left at `rate` bytes/s, or undefined while there is no telling (no rate, or a stall). */
export function eta(rate: number | undefined, left: number): number | undefined {
  if (!rate || rate < 1) return undefined
  const seconds = Math.round(left / rate)
  return seconds <= LONGEST_ETA_S ? seconds : undefined
}

interface Active {
  label: string
  current: number
  total: number
  rate: Rate
}

export class ProgressMeter {
  private readonly active = new Map<string, Active>()
  private finishedBytes = 0
  private finishedFiles = 0
  private readonly rate: Rate = { lastBytes: 0, lastAt: Date.now() }
  private timer?: NodeJS.Timeout

  constructor(
    private readonly ctx: Pick<JobContext, 'progress'>,
    private readonly totalBytes: number,
    private readonly totalFiles: number,
    private readonly noun = 'files',
    intervalMs = 250,
  ) {
    this.timer = setInterval(() => this.emit(), intervalMs)
    this.timer.unref?.()
  }

  fileStarted(key: string, label: string, total: number, current = 0): void {
    this.active.set(key, { label, current, total, rate: { lastBytes: current, lastAt: Date.now() } })
  }

  fileBytes(key: string, current: number): void {
    const file = this.active.get(key)
    if (file) file.current = current
  }

  fileDone(key: string, bytes: number): void {
    this.active.delete(key)
    this.finishedBytes += bytes
    this.finishedFiles++
  }

  /** A file that ends without its bytes counting (skipped, failed, or nothing to send). */
  fileDropped(key: string): void {
    this.active.delete(key)
  }

  bytesDone(): number {
    let sum = this.finishedBytes
    for (const file of this.active.values()) sum += file.current
    return sum
  }

  emit(): void {
    const now = Date.now()
    const done = this.bytesDone()
    nextRate(this.rate, done, now)
    const items: JobProgressItem[] = [
      {
        key: 'total',
        label: `${this.finishedFiles} of ${this.totalFiles} ${this.noun}`,
        current: done,
        total: this.totalBytes,
        unit: 'bytes',
        ...this.speed(this.rate.value, this.totalBytes - done),
      },
    ]
    for (const [key, file] of [...this.active].slice(0, SHOWN_FILES)) {
      nextRate(file.rate, file.current, now)
      items.push({ key, label: file.label, current: file.current, total: file.total, unit: 'bytes', ...this.speed(file.rate.value, file.total - file.current) })
    }
    const overall = this.totalBytes > 0 ? done / this.totalBytes : this.totalFiles > 0 ? this.finishedFiles / this.totalFiles : 0
    this.ctx.progress(items, Math.min(1, overall))
  }

  private speed(rate: number | undefined, left: number): Pick<JobProgressItem, 'rate' | 'etaSeconds'> {
    const seconds = eta(rate, left)
    return { ...(rate !== undefined ? { rate: Math.round(rate) } : {}), ...(seconds !== undefined ? { etaSeconds: seconds } : {}) }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.emit()
  }
}
