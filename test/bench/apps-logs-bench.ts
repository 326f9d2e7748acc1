// Delivering 1,000,000 log lines from one container to a consumer. The container (busybox `seq`, compose
// labels so Homeport sees it as an app) is created once and has exited before any measurement. Anchor:
// the docker CLI on the engine's local socket, `docker logs NAME`, its stdout piped to a line counter here.
// Homeport: `apps.logs` (readLogs through the tunnel, demultiplexed into line objects) and
// `apps.logsFollow` (the follow stream, consumed batch by batch until it ends).

import Docker from 'dockerode'
import { spawn } from 'node:child_process'
import { run } from '../homeserver/process.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import { BENCH_SERVER, CLIENT, type BenchCore } from './bench-core.js'
import { withDeadline } from './bench-stats.js'

export const LOG_LINES = 1_000_000
const RUN_DEADLINE_MS = 180_000

export interface LogSamples {
  /** Seconds per delivery of all lines. */
  dockerCli: number[]
  /** Not a target: the engine's own pace, raw frames on the local socket with nothing but a line count. */
  engineRaw: number[]
  readLogs: number[]
  followLogs: number[]
}

export interface LogApp {
  app: string
  container: string
  remove(): Promise<void>
}

export async function createLogApp(info: HomeServerInfo): Promise<LogApp> {
  const app = `hpbench-logs-${process.pid.toString(36)}`
  const container = `${app}-gen-1`
  const env = { ...process.env, DOCKER_HOST: info.dockerHost }
  const labels = [`com.docker.compose.project=${app}`, 'com.docker.compose.service=gen', 'com.docker.compose.container-number=1', 'com.docker.compose.oneoff=False']
  await run('docker', ['run', '--name', container, ...labels.flatMap((l) => ['--label', l]), `${info.registry}/homeport/busybox:1`, 'seq', '1', String(LOG_LINES)], { env })
  const status = (await run('docker', ['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', container], { env })).stdout.trim()
  if (status !== 'exited 0') throw new Error(`the log container ${container} is "${status}", expected "exited 0"`)
  return { app, container, remove: async () => void (await run('docker', ['rm', '-f', container], { env, allowFailure: true })) }
}

/** `docker logs` on the local socket, stdout counted line by line as it arrives. */
function dockerCliLines(info: HomeServerInfo, container: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['logs', container], { env: { ...process.env, DOCKER_HOST: info.dockerHost }, stdio: ['ignore', 'pipe', 'inherit'] })
    let lines = 0
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++
    })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(lines) : reject(new Error(`docker logs exited with ${code}`))))
  })
}

/** The log stream straight from the engine's socket (dockerode, no tunnel): frames walked, payload newlines counted. */
async function engineRawLines(info: HomeServerInfo, container: string): Promise<number> {
  const stream = (await new Docker({ socketPath: info.dockerSocket }).getContainer(container).logs({ stdout: true, stderr: true, follow: true })) as NodeJS.ReadableStream
  let lines = 0
  let pending: Buffer = Buffer.alloc(0)
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      const buf = pending.length ? Buffer.concat([pending, chunk]) : chunk
      let at = 0
      while (buf.length - at >= 8 && buf.length - at >= 8 + buf.readUInt32BE(at + 4)) {
        const end = at + 8 + buf.readUInt32BE(at + 4)
        for (let i = at + 8; i < end; i++) if (buf[i] === 10) lines++
        at = end
      }
      pending = buf.subarray(at)
    })
    stream.on('end', () => resolve(lines))
    stream.on('error', reject)
  })
}

async function followAll(bench: BenchCore, app: string): Promise<number> {
  // Batches may arrive before the call that started the stream has returned its id: count them all by stream.
  const counts = new Map<string, { lines: number; ended: boolean }>()
  let streamId: string | undefined
  let finish: (() => void) | undefined
  const ended = new Promise<void>((resolve) => (finish = resolve))
  bench.onLogs = (id, lines, end) => {
    const entry = counts.get(id) ?? { lines: 0, ended: false }
    entry.lines += lines
    entry.ended ||= end
    counts.set(id, entry)
    if (id === streamId && entry.ended) finish?.()
  }
  try {
    streamId = (await bench.core.handlers['apps.logsFollow']({ serverId: BENCH_SERVER, app, tail: LOG_LINES, timestamps: false, follow: true }, CLIENT)).streamId
    if (counts.get(streamId)?.ended) finish?.()
    await ended
    return counts.get(streamId)?.lines ?? 0
  } finally {
    bench.onLogs = () => {}
  }
}

async function timed(what: string, work: () => Promise<number>): Promise<number> {
  const start = process.hrtime.bigint()
  const lines = await withDeadline(work(), RUN_DEADLINE_MS, what)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (lines !== LOG_LINES) throw new Error(`${what} delivered ${lines} lines, expected ${LOG_LINES}`)
  return seconds
}

export async function benchLogs(info: HomeServerInfo, bench: BenchCore, logApp: LogApp, runs: number, log: (line: string) => void): Promise<LogSamples> {
  const samples: LogSamples = { dockerCli: [], engineRaw: [], readLogs: [], followLogs: [] }
  const { core } = bench
  const steps: Array<[keyof LogSamples, string, () => Promise<number>]> = [
    ['dockerCli', 'docker logs', () => dockerCliLines(info, logApp.container)],
    ['engineRaw', 'engine socket', () => engineRawLines(info, logApp.container)],
    [
      'readLogs',
      'apps.logs',
      async () => {
        const lines = await core.handlers['apps.logs']({ serverId: BENCH_SERVER, app: logApp.app, tail: LOG_LINES, timestamps: false }, CLIENT)
        if (lines[0]?.text !== '1' || lines.at(-1)?.text !== String(LOG_LINES)) throw new Error(`apps.logs returned "${lines[0]?.text}" … "${lines.at(-1)?.text}"`)
        return lines.length
      },
    ],
    [
      'followLogs',
      'apps.logsFollow',
      // A follow of an exited container ends by itself once its log is drained.
      () => followAll(bench, logApp.app),
    ],
  ]
  log('logs: warm-up')
  for (const [, what, work] of steps) await timed(what, work)
  for (let i = 0; i < runs; i++) {
    const order = i % 2 ? [...steps].reverse() : steps
    for (const [key, what, work] of order) samples[key].push(await timed(what, work))
    log(`logs: run ${i + 1}/${runs}: ${steps.map(([key, what]) => `${what} ${samples[key].at(-1)?.toFixed(2)} s`).join(', ')}`)
  }
  return samples
}
