// `homeport apps logs` and `homeport apps open`: the two apps commands that keep running until
// interrupted (Ctrl-C or SIGTERM), then close what they opened on the server's connection.

import { InvalidArgumentError, type Command } from 'commander'
import type { EventMap, LogLineDto } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import { logPrefixer, parseSince, writeLogLine } from './apps-output.js'
import type { CliCore } from './cli-core.js'
import { usageError, writeJson } from './output.js'
import type { WithCore } from './server-commands.js'

const ALL_LINES = 1_000_000

interface LogsOptions {
  follow?: boolean
  tail?: number
  since?: string
  timestamps?: boolean
  service?: string
  grep?: string
}

function parseTail(value: string): number {
  if (value === 'all') return ALL_LINES
  const n = Number(value)
  if (!/^\d+$/.test(value) || n > ALL_LINES) throw new InvalidArgumentError(`must be a whole number up to ${ALL_LINES}, or "all".`)
  return n
}

/** Resolves on Ctrl-C / SIGTERM (or when `stop` is called); listeners are removed afterwards. */
function untilInterrupted(): { done: Promise<void>; stop: () => void } {
  let stop!: () => void
  const done = new Promise<void>((resolve) => {
    stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  return { done, stop }
}

async function followLogs(core: CliCore, server: string, app: string, opts: LogsOptions, emit: (l: LogLineDto) => void, since?: number): Promise<void> {
  const base = { serverId: server, app, timestamps: Boolean(opts.timestamps), ...(opts.service ? { service: opts.service } : {}) }
  const interrupted = untilInterrupted()
  const pending: EventMap['apps.logs'][] = []
  let streamId: string | undefined
  let failure: HomeportError | undefined
  const take = (event: EventMap['apps.logs']) => {
    for (const line of event.lines) emit(line)
    if (event.reconnecting) process.stderr.write('Connection to the server lost; the log goes on from its last line once it is back.\n')
    // Every container's stream ended: the app stopped or was removed — or, with an error, the server is out of reach.
    if (event.ended) {
      if (event.error) failure = HomeportError.from(event.error)
      interrupted.stop()
    }
  }
  const unsubscribe = core.on('apps.logs', (event) => {
    if (streamId === undefined) return void pending.push(event)
    if (event.streamId === streamId) take(event)
  })
  try {
    // Follow has no `since`: the backlog comes from a plain read, then the stream continues from now.
    if (since !== undefined) for (const line of await core.call('apps.logs', { ...base, tail: opts.tail ?? ALL_LINES, since })) emit(line)
    streamId = (await core.call('apps.logsFollow', { ...base, tail: since !== undefined ? 0 : (opts.tail ?? ALL_LINES) })).streamId
    for (const event of pending.splice(0)) if (event.streamId === streamId) take(event)
    await interrupted.done
    await core.call('apps.logsStop', { streamId }).catch(() => {})
    if (failure) throw failure
  } finally {
    interrupted.stop()
    unsubscribe()
  }
}

async function openInBrowser(url: string): Promise<void> {
  const { spawn } = await import('node:child_process')
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]]
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true })
  child.on('error', () => process.stderr.write(`Could not start a browser (${cmd}); open ${url} yourself.\n`))
  child.unref()
}

export function registerAppsStreamCommands(apps: Command, withCore: WithCore, json: () => boolean): void {
  apps
    .command('logs')
    .description("an app's logs, every service prefixed with its name (stderr lines on stderr)")
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('-n, --tail <n>', 'only the last N lines of each service ("all" by default)', parseTail)
    .option('--since <time>', 'only lines since a time: 10m, 2h, 1d, unix seconds or a date')
    .option('-t, --timestamps', 'show each line\'s time')
    .option('--service <service>', 'only this service')
    .option('--grep <text>', 'only lines containing this text')
    .option('--json', 'one JSON object per line: {service, stream, time?, text}')
    .action(async (server: string, app: string, opts: LogsOptions) => {
      const since = opts.since === undefined ? undefined : parseSince(opts.since)
      if (opts.since !== undefined && since === undefined) throw usageError(`--since "${opts.since}" is not a time.`, 'Use a duration such as 10m, 2h or 1d, unix seconds, or a date like 2024-05-01T12:00:00Z.')
      const matches = (l: LogLineDto) => opts.grep === undefined || l.text.includes(opts.grep)
      await withCore(async (core) => {
        const format = logPrefixer(opts.service ? [opts.service] : [])
        const emit = (line: LogLineDto) => {
          if (!matches(line)) return
          if (json()) process.stdout.write(JSON.stringify(line) + '\n')
          else writeLogLine(line, format)
        }
        if (opts.follow) return followLogs(core, server, app, opts, emit, since)
        const lines = await core.call('apps.logs', {
          serverId: server,
          app,
          tail: opts.tail ?? ALL_LINES,
          timestamps: Boolean(opts.timestamps),
          ...(opts.service ? { service: opts.service } : {}),
          ...(since !== undefined ? { since } : {}),
        })
        const aligned = logPrefixer([...new Set(lines.map((l) => l.service))])
        for (const line of lines) {
          if (!matches(line)) continue
          if (json()) emit(line)
          else writeLogLine(line, aligned)
        }
      }, { server })
    })

  apps
    .command('open')
    .description("forward the app's web page to this computer and print its local URL; runs until Ctrl-C")
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .option('--no-browser', 'only print the URL (implied when not on a terminal or under CI)')
    .option('--json', 'print the forward as JSON')
    .action(async (server: string, app: string, opts: { browser: boolean }) => {
      await withCore(async (core) => {
        const interrupted = untilInterrupted()
        try {
          const forward = await core.call('apps.open', { serverId: server, app })
          if (json()) writeJson(forward)
          else process.stdout.write(`${forward.url}\n`)
          process.stderr.write(`Forwarding ${forward.url} to ${forward.remote} on ${server}; press Ctrl-C to stop.\n`)
          if (opts.browser && !json() && process.stdout.isTTY && !process.env.CI) await openInBrowser(forward.url)
          await interrupted.done
          await core.call('apps.closeForward', { serverId: server, app })
        } finally {
          interrupted.stop()
        }
      }, 'local')
    })
}
