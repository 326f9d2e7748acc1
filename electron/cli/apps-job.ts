// Follows a job started by the core until it ends: progress bars on a terminal, plain lines otherwise, or
// one JSON object per update with --json. Ctrl-C cancels the job and waits for its rollback; a second Ctrl-C
// exits at once, saying what is left: the run's journal on the server lets the next connect finish it.

import type { JobDto } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import type { CliCore } from './cli-core.js'

export type ProgressMode = 'json' | 'bars' | 'lines'

export function progressMode(json: boolean): ProgressMode {
  if (json) return 'json'
  return process.stderr.isTTY ? 'bars' : 'lines'
}

/** Starts listening before the job exists, since its first updates can arrive before `start` resolves. */
export async function runJob(core: CliCore, mode: ProgressMode, start: () => Promise<{ jobId: string }>): Promise<JobDto> {
  const seen = new Map<string, JobDto[]>()
  let deliver: ((job: JobDto) => void) | undefined
  const unsubscribe = core.on('job.update', (job) => {
    if (deliver) return deliver(job)
    seen.set(job.id, [...(seen.get(job.id) ?? []), job])
  })
  const render = renderer(mode)
  let onSigint: (() => void) | undefined
  try {
    const { jobId } = await start()
    return await new Promise<JobDto>((resolve) => {
      let left: string | undefined
      const take = (job: JobDto) => {
        if (job.id !== jobId) return
        left = job.log.map((l) => /To undo: (.*?)\.?$/.exec(l)?.[1]).filter(Boolean).at(-1) ?? left
        render.update(job)
        if (job.state !== 'running') resolve(job)
      }
      deliver = take
      for (const job of seen.get(jobId) ?? []) take(job)
      seen.clear()
      let cancelling = false
      onSigint = () => {
        if (cancelling) {
          process.stderr.write(
            `\nExiting now; the rollback has not finished.${left ? ` Left on the server: ${left}.` : ''} What this run changed is recorded on the server and here, and Homeport finishes the rollback the next time it connects to the server.\n`,
          )
          process.exit(130)
        }
        cancelling = true
        process.stderr.write('\nCancelling; undoing what this run changed… (Ctrl-C again to exit now and leave the rest to the next connect)\n')
        core.call('jobs.cancel', { id: jobId }).catch(() => {})
      }
      process.on('SIGINT', onSigint)
      process.on('SIGTERM', onSigint)
      // The job may have ended between `start` and subscribing to the replay.
      void core.call('jobs.get', { id: jobId }).then((job) => job.state !== 'running' && take(job), () => {})
    })
  } finally {
    if (onSigint) {
      process.off('SIGINT', onSigint)
      process.off('SIGTERM', onSigint)
    }
    unsubscribe()
    render.end()
  }
}

/** The job's error, as the CLI reports it (exit 1); succeeded jobs pass through. */
export function throwIfFailed(job: JobDto): JobDto {
  if (job.state === 'succeeded') return job
  if (job.error) throw HomeportError.from(job.error)
  throw new HomeportError(job.state === 'cancelled' ? 'CANCELLED' : 'INTERNAL', undefined)
}

/** Pulls count bytes; a build counts its Dockerfile's steps. */
function amount(item: JobDto['items'][number], n: number): string {
  return item.unit === 'steps' ? `${n} step${n === 1 ? '' : 's'}` : formatBytes(n)
}

interface Renderer {
  update(job: JobDto): void
  end(): void
}

function renderer(mode: ProgressMode): Renderer {
  if (mode === 'json') return jsonRenderer()
  if (mode === 'bars') return barsRenderer()
  return linesRenderer()
}

/** One compact object per update; `log` carries only the lines added since the previous one. */
function jsonRenderer(): Renderer {
  let logged = 0
  return {
    update(job) {
      const fresh = job.log.slice(Math.min(logged, job.log.length))
      logged = job.log.length
      process.stdout.write(JSON.stringify({ ...job, log: fresh }) + '\n')
    },
    end() {},
  }
}

function linesRenderer(): Renderer {
  let logged = 0
  const reported = new Set<string>()
  return {
    update(job) {
      for (const line of job.log.slice(Math.min(logged, job.log.length))) process.stderr.write(`${line}\n`)
      logged = job.log.length
      for (const item of job.items) {
        if (item.total > 0 && item.current >= item.total && !reported.has(item.key)) {
          reported.add(item.key)
          process.stderr.write(`${item.label}: ${amount(item, item.total)} done\n`)
        }
      }
    },
    end() {},
  }
}

/** Redraws a block of bars in place on stderr, at most ten times a second. */
function barsRenderer(): Renderer {
  let drawn = 0
  let latest: JobDto | undefined
  let last = 0
  let logged = 0
  const draw = () => {
    if (!latest) return
    const width = Math.max(20, Math.min(40, (process.stderr.columns ?? 80) - 60))
    const lines = latest.items.map((i) => `${bar(i.total ? i.current / i.total : 0, width)} ${amount(i, i.current)}/${amount(i, i.total)}  ${i.label}`)
    if (latest.step) lines.push(latest.step)
    process.stderr.write((drawn ? `\x1b[${drawn}F` : '') + lines.map((l) => `\x1b[2K${l}`).join('\n') + '\n')
    drawn = lines.length
  }
  return {
    update(job) {
      latest = job
      const fresh = job.log.slice(Math.min(logged, job.log.length)).filter((l) => l !== job.step && !/^(Create|Recreate|Start|Waiting)/.test(l))
      logged = job.log.length
      if (fresh.length) {
        if (drawn) process.stderr.write(`\x1b[${drawn}F\x1b[0J`)
        drawn = 0
        for (const l of fresh) process.stderr.write(`${l}\n`)
      }
      const now = Date.now()
      if (job.state !== 'running' || now - last > 100 || fresh.length) {
        last = now
        draw()
      }
    },
    end: draw,
  }
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width)
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`
}
