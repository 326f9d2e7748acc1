// Following an app's logs through a dropped connection. Every line is read with its timestamp, so when a
// container's stream ends while the container still runs (the connection went, not the app), the stream is
// opened again from the last timestamp seen, and the lines already delivered at that instant are skipped:
// nothing twice, nothing lost. When the server cannot be reached again in time, the follow ends with the
// reason, so a front end never mistakes a cut for the app having stopped.

import type { LogLineDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { LABEL } from '../compose/engine/container-spec.js'
import { dockerFailure, type Docker } from '../docker/docker-access.js'
import { containersFor, LogDemuxer, toLine, type LogOptions } from './app-logs.js'

export interface FollowRequest extends LogOptions {
  /** false: read the tail as a stream (paced, in batches) and end; nothing is held whole. */
  follow?: boolean
  /** Resume after a line already delivered: its time, and how many lines at that instant were delivered. */
  after?: { time: string; seen: number }
}

export interface FollowOptions extends FollowRequest {
  signal: AbortSignal
  /** Resolves once the emitted batches have gone out; reading waits for it so a slow reader holds no backlog. */
  drained?: () => Promise<void>
  onLines: (lines: LogLineDto[]) => void
  /** Every container's log is over: the app stopped, or (with `error`) the server could not be reached again. */
  onEnd?: (error?: HomeportError) => void
  /** A stream was cut while its container runs; following resumes once the server answers. */
  onReconnecting?: () => void
  /** Following again after a cut (the reconnecting indicator may go). */
  onResumed?: () => void
  /** Resolves once the server can be reached (or at once); rejects with why not, when waiting is over. */
  awaitServer: () => Promise<void>
}

/** `2024-05-01T12:00:00.5Z` → a key that sorts by time (Docker trims the fraction's trailing zeros). */
function timeKey(time: string): string {
  const m = /^(.*?T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time)
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}` : time
}

/** The `since` Docker takes to start at that instant: seconds and nanoseconds. */
function sinceOf(time: string): string {
  const m = /^(.*?T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time)
  if (!m) return String(Math.floor(Date.parse(time) / 1000))
  return `${Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000)}.${(m[2] ?? '').padEnd(9, '0')}`
}

type Stream = NodeJS.ReadableStream & { destroy(): void }

/**
 * The log as written so far, as a stream that ends there. dockerode buffers a log read without `follow` into
 * one answer, and `follow` with `until` stays open until a line after `until` comes (never, for a quiet
 * container); asking docker-modem for the plain read as a stream gives both: streamed, and an end.
 */
function readOnce(docker: Docker, id: string, from: { since: string } | { tail: number | 'all' }): Promise<Stream> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        isStream: true,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options: { stdout: true, stderr: true, follow: false, timestamps: true, ...from },
      },
      (err: unknown, stream: unknown) => (err ? reject(dockerFailure(docker, err, `read the logs of container ${id.slice(0, 12)}`)) : resolve(stream as Stream)),
    )
  })
}

/**
 * Follows every service's log; `onLines` gets batches (at most every 50 ms) until the signal aborts (or, with
 * `follow: false`, until the tail is read). Resolves with the number of containers once every stream is open.
 */
export async function followLogs(docker: Docker, app: string, opts: FollowOptions): Promise<number> {
  const containers = await containersFor(docker, app, opts.service)
  const open = new Set<Stream>()
  let batch: LogLineDto[] = []
  let timer: NodeJS.Timeout | undefined
  let pacing = false
  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (!batch.length) return
    const out = batch
    batch = []
    opts.onLines(out)
    // A big tail arrives faster than a window takes it: stop reading until the sink has sent what it has.
    if (opts.drained && !pacing) {
      pacing = true
      for (const s of open) s.pause()
      void opts.drained().finally(() => {
        pacing = false
        for (const s of open) s.resume()
      })
    }
  }
  // The first lines go out as soon as they are in, the rest in batches: a slow link must not add a wait.
  let batches = 0
  const push = (line: LogLineDto) => {
    batch.push(line)
    if (batch.length >= 5000) flush()
    else timer ??= setTimeout(flush, batches++ === 0 ? 0 : 50)
  }
  opts.signal.addEventListener('abort', () => timer && clearTimeout(timer), { once: true })

  // The first stream of each container is opened before returning, so a failure there is the caller's.
  const opened = await Promise.allSettled(
    containers.map(async (c) => {
      const container = docker.getContainer(c.Id)
      // Asked together: the stream holds its first lines until followOne reads them with the right framing.
      // `until` ends a read-once stream at what was written so far; it still comes as a stream, never whole.
      const from = opts.after ? { since: sinceOf(opts.after.time) } : { tail: opts.tail }
      const opening = opts.follow === false
        ? readOnce(docker, c.Id, from)
        : (container.logs({ stdout: true, stderr: true, follow: true, timestamps: true, ...(from as Record<string, unknown>) }) as unknown as Promise<Stream>)
      // Handled here too: it may fail before the inspect answers, and an unawaited rejection would end the process.
      opening.catch(() => undefined)
      const info = await container.inspect().catch((err: unknown) => {
        void opening.then((s) => s.destroy(), () => undefined)
        throw err
      })
      const stream = await opening
      return { c, tty: info.Config.Tty, startedAt: info.State.StartedAt, stream }
    }),
  )
  const failed = opened.find((o) => o.status === 'rejected')
  // One container's log could not be opened: the others' are closed again, or nothing would ever read them.
  if (failed) {
    for (const o of opened) if (o.status === 'fulfilled') o.value.stream.destroy()
    throw failed.reason
  }
  const first = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
  void Promise.all(first.map(({ c, tty, startedAt, stream }) => followOne(docker, { c, tty, startedAt }, stream, opts, push, open))).then((errors) => {
    flush()
    if (!opts.signal.aborted) opts.onEnd?.(errors.find((e) => e !== undefined))
  })
  return containers.length
}

/** One container's log, resumed after every cut; resolves when it is over, with the error if it could not resume. */
async function followOne(
  docker: Docker,
  { c, tty, startedAt }: { c: Docker.ContainerInfo; tty: boolean; startedAt: string },
  firstStream: Stream,
  opts: FollowOptions,
  push: (line: LogLineDto) => void,
  open: Set<Stream>,
): Promise<HomeportError | undefined> {
  const service = c.Labels?.[LABEL.service] ?? c.Id.slice(0, 12)
  const container = docker.getContainer(c.Id)
  let last: { key: string; time: string; seen: number } | undefined = opts.after && { key: timeKey(opts.after.time), time: opts.after.time, seen: opts.after.seen }
  let skip = opts.after?.seen ?? 0
  let stream: Stream = firstStream
  for (;;) {
    // Stopped (the window went away) while this stream was being opened, first or resumed: nobody will read it.
    if (opts.signal.aborted) return void stream.destroy()
    const current = stream
    await new Promise<void>((resolve) => {
      const demux = new LogDemuxer(tty, (s, raw) => {
        const line = toLine(service, s, raw, true)
        const key = line.time ? timeKey(line.time) : undefined
        if (key && last) {
          if (key < last.key) return
          if (key === last.key && skip > 0) return void skip--
        }
        if (key && line.time) last = key === last?.key ? { ...last, seen: last.seen + 1 } : { key, time: line.time, seen: 1 }
        push(opts.timestamps ? line : { service: line.service, stream: line.stream, text: line.text })
      })
      let done = false
      open.add(current)
      const finish = () => {
        if (done) return
        done = true
        open.delete(current)
        demux.end()
        opts.signal.removeEventListener('abort', onAbort)
        resolve()
      }
      const onAbort = () => {
        current.destroy()
        finish()
      }
      current.on('data', (chunk: Buffer) => demux.push(chunk))
      // A dropped connection closes the stream without 'end'.
      current.on('end', finish)
      current.on('close', finish)
      current.on('error', finish)
      opts.signal.addEventListener('abort', onAbort, { once: true })
    })
    if (opts.signal.aborted || opts.follow === false) return undefined
    try {
      let told = false
      const info = await container.inspect().catch(async (err: unknown) => {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined
        opts.onReconnecting?.()
        told = true
        await opts.awaitServer()
        return container.inspect()
      })
      if (!info || (!info.State.Running && !info.State.Restarting)) return undefined
      // Still running: the stream was cut. Resume at the last line's instant (or the container's start, when
      // no line came yet), skipping the lines already delivered at that instant.
      if (!told) opts.onReconnecting?.()
      await opts.awaitServer()
      skip = last?.seen ?? 0
      const since = sinceOf(last?.time ?? startedAt)
      stream = (await container.logs({ stdout: true, stderr: true, follow: true, timestamps: true, since: since as unknown as number })) as unknown as Stream
      opts.onResumed?.()
    } catch (err) {
      if (opts.signal.aborted) return undefined
      return err instanceof HomeportError ? err : new HomeportError('CONNECTION_LOST', `The log of ${service} could not be followed again: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
  }
}
