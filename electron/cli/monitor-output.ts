// What `homeport metrics` and `homeport alerts` print: one reading of a server in a shape that is the same
// whether it came from a running Homeport's monitoring or straight from the agent, and the alert lines.

import type { AgentMetricsDto, AlertDto, HostSampleDto } from '../../shared/contract/index.js'
import { table } from './output.js'

export interface MetricsReading {
  server: string
  /** ISO time of the reading. */
  time: string
  /** A running Homeport's latest sample, or a sample asked of the agent for this command. */
  source: 'monitor' | 'agent'
  cpuPercent: number
  load1: number
  memory: { usedBytes: number; totalBytes: number }
  swap: { usedBytes: number }
  disks: { mount: string; usedBytes: number; totalBytes: number; percent: number }[]
  /** The hottest sensor; null on a server without sensors. */
  temperatureCelsius: number | null
  uptimeSeconds: number
}

const round = (n: number) => Math.round(n * 100) / 100
/** Used share of what can be stored, as `df` prints it (and as the disk alert measures it). */
const diskPercent = (used: number, available: number) => (used + available > 0 ? round((used / (used + available)) * 100) : 0)

export function fromSample(server: string, s: HostSampleDto): MetricsReading {
  return {
    server,
    time: new Date(s.time * 1000).toISOString(),
    source: 'monitor',
    cpuPercent: s.values.cpu ?? 0,
    load1: s.values.load1 ?? 0,
    memory: { usedBytes: s.values.memUsed ?? 0, totalBytes: s.values.memTotal ?? 0 },
    swap: { usedBytes: s.values.swapUsed ?? 0 },
    disks: s.disks.map((d) => ({ mount: d.mount, usedBytes: d.usedBytes, totalBytes: d.totalBytes, percent: d.percent })),
    temperatureCelsius: s.values.temp,
    uptimeSeconds: s.uptimeSeconds,
  }
}

export function fromAgent(server: string, m: AgentMetricsDto, now = Date.now()): MetricsReading {
  const temps = m.temperatures.filter((t) => t.milliCelsius > 0).map((t) => t.milliCelsius / 1000)
  return {
    server,
    time: new Date(now).toISOString(),
    source: 'agent',
    cpuPercent: m.cpu.percent,
    load1: m.load[0],
    memory: { usedBytes: m.memory.usedBytes, totalBytes: m.memory.totalBytes },
    swap: { usedBytes: m.swap.usedBytes },
    disks: m.disks.map((d) => ({ mount: d.mount, usedBytes: d.usedBytes, totalBytes: d.totalBytes, percent: diskPercent(d.usedBytes, d.availableBytes) })),
    temperatureCelsius: temps.length ? Math.max(...temps) : null,
    uptimeSeconds: m.uptimeSeconds,
  }
}

function size(bytes: number): string {
  const gib = bytes / 1024 ** 3
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`
}

const memPercent = (r: MetricsReading) => (r.memory.totalBytes ? Math.round((r.memory.usedBytes / r.memory.totalBytes) * 100) : 0)

/** One line per reading, for `--watch`: time, CPU, load, memory, the fullest disk, temperature. */
export function metricsLine(r: MetricsReading): string {
  const fullest = r.disks.reduce<MetricsReading['disks'][number] | undefined>((a, d) => (!a || d.percent > a.percent ? d : a), undefined)
  const parts = [
    r.time.slice(11, 19),
    `cpu ${r.cpuPercent.toFixed(1)} %`,
    `load ${r.load1.toFixed(2)}`,
    `mem ${size(r.memory.usedBytes)} / ${size(r.memory.totalBytes)} (${memPercent(r)} %)`,
    ...(fullest ? [`disk ${fullest.mount} ${Math.round(fullest.percent)} %`] : []),
    ...(r.temperatureCelsius !== null ? [`temp ${r.temperatureCelsius.toFixed(0)} °C`] : []),
  ]
  return parts.join('  ') + '\n'
}

export function metricsTable(r: MetricsReading): string {
  const rows = [
    ['CPU', `${r.cpuPercent.toFixed(1)} %, load ${r.load1.toFixed(2)}`],
    ['Memory', `${size(r.memory.usedBytes)} of ${size(r.memory.totalBytes)} (${memPercent(r)} %), swap ${size(r.swap.usedBytes)}`],
    ...r.disks.map((d) => [`Disk ${d.mount}`, `${size(d.usedBytes)} of ${size(d.totalBytes)} (${Math.round(d.percent)} %)`]),
    ['Temperature', r.temperatureCelsius === null ? 'no sensors' : `${r.temperatureCelsius.toFixed(1)} °C`],
    ['Up', `${Math.floor(r.uptimeSeconds / 86_400)} d ${Math.floor((r.uptimeSeconds % 86_400) / 3600)} h`],
  ]
  return table([r.server, `${r.time} (${r.source})`], rows)
}

export interface AlertRow {
  id: string
  state: AlertDto['state']
  severity: AlertDto['severity']
  rule: AlertDto['rule']
  server?: string
  app?: string
  subject: string
  title: string
  raisedAt: string
  resolvedAt?: string
}

export function alertRow(a: AlertDto, serverName: (id: string) => string): AlertRow {
  return {
    id: a.id,
    state: a.state,
    severity: a.severity,
    rule: a.rule,
    ...(a.serverId ? { server: serverName(a.serverId) } : {}),
    ...(a.app ? { app: a.app } : {}),
    subject: a.subject,
    title: a.title,
    raisedAt: a.raisedAt,
    ...(a.resolvedAt ? { resolvedAt: a.resolvedAt } : {}),
  }
}

const ALERT_HEADERS = ['STATE', 'SEVERITY', 'RULE', 'SERVER', 'SUBJECT', 'TIME', 'TITLE']
const alertCells = (r: AlertRow) => [r.state, r.severity, r.rule, r.server ?? '-', r.subject, (r.resolvedAt ?? r.raisedAt).replace('T', ' ').slice(0, 19), r.title]

export function alertsTable(rows: AlertRow[]): string {
  return table(ALERT_HEADERS, rows.map(alertCells))
}

/** One alert as `--follow` prints it, prefixed with what just happened to it. */
export function alertLine(change: 'raised' | 'updated' | 'resolved', r: AlertRow): string {
  return `${change.padEnd(8)} ${alertCells(r).join('  ')}\n`
}
