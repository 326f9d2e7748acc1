// `homeport metrics SERVER [--watch N]` and `homeport alerts [SERVER] [--follow]`: what monitoring sees.
//
// metrics: a running Homeport's latest sample when it is sampling the server, otherwise one sample asked of
// the agent. alerts: the stored history (open alerts and the most recent ones) from whichever core answers;
// --follow prints each alert change as it comes. A running Homeport already watches its servers; when none
// answers, this command's own core connects and samples them for as long as it runs.

import { InvalidArgumentError, type Command } from 'commander'
import type { AlertDto } from '../../shared/contract/index.js'
import type { CliCore } from './cli-core.js'
import { alertLine, alertRow, alertsTable, fromAgent, fromSample, metricsLine, metricsTable, type AlertRow, type MetricsReading } from './monitor-output.js'
import { writeJson } from './output.js'
import type { WithCore } from './server-commands.js'

/** Enough to see what is going on without scrolling; open alerts are always listed, however old. */
const RECENT = 20
const MAX_WATCH_SECONDS = 3600

export function parseWatchSeconds(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_WATCH_SECONDS) throw new InvalidArgumentError(`must be a whole number of seconds from 1 to ${MAX_WATCH_SECONDS}.`)
  return n
}

/** Resolves on Ctrl-C or SIGTERM; the listeners go with it. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

/** Waits `ms`, or less when `interrupted` settles first; true when it did. */
async function pause(ms: number, interrupted: Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const slept = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))
  const ended = await Promise.race([slept, interrupted.then(() => true)])
  clearTimeout(timer)
  return ended
}

async function readMetrics(core: CliCore, server: string): Promise<MetricsReading> {
  const latest = await core.call('monitor.latest', { serverId: server })
  if (latest.host) return fromSample(server, latest.host)
  return fromAgent(server, await core.call('agent.metrics', { serverId: server }))
}

async function serverNames(core: CliCore): Promise<(id: string) => string> {
  const names = new Map((await core.call('servers.list', {})).map((s) => [s.id, s.name]))
  return (id) => names.get(id) ?? id
}

async function listAlerts(core: CliCore, serverId: string | undefined): Promise<AlertRow[]> {
  const scope = serverId ? { serverId } : {}
  const [open, recent, name] = await Promise.all([
    core.call('alerts.list', { ...scope, state: 'open', limit: 500 }),
    core.call('alerts.list', { ...scope, state: 'all', limit: RECENT }),
    serverNames(core),
  ])
  const byId = new Map<string, AlertDto>()
  for (const a of [...open, ...recent]) byId.set(a.id, a)
  return [...byId.values()].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt)).map((a) => alertRow(a, name))
}

/** This command's own core sees alerts only of servers it is connected to: connect them (all, unless one is named). */
async function connectForFollow(core: CliCore, serverId: string | undefined): Promise<void> {
  const servers = (await core.call('servers.list', {})).filter((s) => !serverId || s.id === serverId)
  for (const s of servers) {
    try {
      await core.call('servers.connect', { id: s.id })
    } catch (err) {
      process.stderr.write(`[warn] ${s.name}: ${err instanceof Error ? err.message : String(err)} Its alerts are not followed.\n`)
    }
  }
}

async function followAlerts(core: CliCore, serverId: string | undefined, json: boolean): Promise<void> {
  const interrupted = untilInterrupted()
  let name = await serverNames(core)
  const print = (change: 'raised' | 'updated' | 'resolved') => (a: AlertDto) => {
    if (serverId && a.serverId !== serverId) return
    const row = alertRow(a, name)
    process.stdout.write(json ? JSON.stringify({ change, ...row }) + '\n' : alertLine(change, row))
  }
  const off = [core.on('alert.raised', print('raised')), core.on('alert.updated', print('updated')), core.on('alert.resolved', print('resolved'))]
  try {
    if (core.here) await connectForFollow(core, serverId)
    name = await serverNames(core)
    // On stderr, so that stdout stays one alert per line; scripts and tests wait for it.
    process.stderr.write('Following alerts; Ctrl-C to stop.\n')
    await interrupted
  } finally {
    for (const unsubscribe of off) unsubscribe()
  }
}

export function registerMonitorCommands(program: Command, withCore: WithCore, json: () => boolean): void {
  program
    .command('metrics')
    .description("a server's current metrics: CPU, load, memory, disks, temperature")
    .argument('<server>', 'server name')
    .option('--watch <seconds>', 'print a line every N seconds until Ctrl-C', parseWatchSeconds)
    .option('--json', 'print JSON (with --watch: one object per line)')
    .action(async (server: string, opts: { watch?: number }) => {
      await withCore(async (core) => {
        if (opts.watch === undefined) {
          const reading = await readMetrics(core, server)
          return json() ? writeJson(reading) : void process.stdout.write(metricsTable(reading))
        }
        const interrupted = untilInterrupted()
        for (;;) {
          const reading = await readMetrics(core, server)
          process.stdout.write(json() ? JSON.stringify(reading) + '\n' : metricsLine(reading))
          if (await pause(opts.watch * 1000, interrupted)) return
        }
      }, { server })
    })

  program
    .command('alerts')
    .description('open and recent alerts, of every server or of one; --follow prints new ones as they come')
    .argument('[server]', 'server name')
    .option('-f, --follow', 'keep printing alert changes until Ctrl-C')
    .option('--json', 'print JSON (with --follow: one object per line)')
    .action(async (server: string | undefined, opts: { follow?: boolean }) => {
      const route = opts.follow ? { live: true as const, ...(server ? { server } : {}) } : 'any'
      await withCore(async (core) => {
        // Resolved first, so that an unknown name fails before anything connects.
        const serverId = server ? (await core.call('servers.get', { id: server })).id : undefined
        if (opts.follow) return followAlerts(core, serverId, json())
        const rows = await listAlerts(core, serverId)
        if (json()) return writeJson(rows)
        process.stdout.write(rows.length ? alertsTable(rows) : 'No alerts.\n')
      }, route)
    })
}
