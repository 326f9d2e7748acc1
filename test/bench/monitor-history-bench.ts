// The history half of `npm run bench:monitor`: 90 days of generated metrics for 10 servers (and 10
// containers each) as the tiers leave them after 90 days of uptime — samples for the last hour, minutes for a
// week, quarter hours for 90 days (containers: a day of minutes, 30 days of quarter hours) — written in time
// order across servers, as the live sampler does. Then the 7-day chart query through the core's dispatch,
// against the same aggregation forced to scan the whole table, and the database size per server and container.

import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { HostHistoryDto } from '../../shared/contract/index.js'
import { collectBuckets, HOST_PLANS } from '../../electron/core/monitor/history.js'
import { createCore, createDispatch } from '../../electron/core/runtime/index.js'
import { MemorySecretStore } from '../../electron/core/secrets/memory-store.js'
import { DATABASE_FILE, openDatabase, type Db } from '../../electron/core/store/database.js'
import { MetricsRepo } from '../../electron/core/store/metrics-repo.js'
import { CONTAINER_TABLE, HOST_TABLE, type MetricTable } from '../../electron/core/store/metrics-schema.js'
import { ServersRepo } from '../../electron/core/store/servers-repo.js'
import { formatMs, median, percentile, sampleInterleaved } from './bench-stats.js'

const SERVERS = 10
const CONTAINERS = 10

export interface HistoryFigures {
  rows: { table: string; tier: number; rows: number }[]
  hostsBytes: number
  totalBytes: number
  perServerBytes: number
  perContainerBytes: number
  week: number[]
  weekScan: number[]
  others: { range: string; times: number[] }[]
  rollupMs: number
  pruneMs: number
}

const fileSize = (db: Db, dir: string) => {
  db.pragma('wal_checkpoint(TRUNCATE)')
  return statSync(join(dir, DATABASE_FILE)).size
}

/** Plausible values for one row: a mean and, where the table keeps one, a maximum above it. */
function values(t: MetricTable, withMax: boolean, rnd: () => number): (number | null)[] {
  return t.columns.flatMap((c) => {
    const scale = c.decimals === 0 ? 1e9 : 100
    const mean = Math.round(rnd() * scale * 10 ** c.decimals) / 10 ** c.decimals
    return withMax && c.max ? [mean, Math.round(mean * 1.3 * 10 ** c.decimals) / 10 ** c.decimals] : [mean]
  })
}

function generate(db: Db, t: MetricTable, keys: number[], now: number, rnd: () => number): void {
  const names = t.columns.flatMap((c) => (c.max ? [c.column, `${c.column}_max`] : [c.column]))
  const rolled = db.prepare(`INSERT INTO ${t.table} (${t.key}, tier, ts, n, ${names.join(', ')}) VALUES (?, ?, ?, ?, ${names.map(() => '?').join(', ')})`)
  const raw = db.prepare(`INSERT INTO ${t.table} (${t.key}, tier, ts, n, ${t.columns.map((c) => c.column).join(', ')}) VALUES (?, 0, ?, 1, ${t.columns.map(() => '?').join(', ')})`)
  const rawStep = t === HOST_TABLE ? 5 : 30
  db.transaction(() => {
    for (const tier of [900, 60] as const) {
      const end = now - (now % tier) - tier
      for (let ts = end - t.keep[tier] + tier; ts <= end; ts += tier) {
        for (const key of keys) rolled.run(key, tier, ts, tier / rawStep, ...values(t, true, rnd))
      }
    }
    for (let ts = now - 3600; ts < now; ts += rawStep) for (const key of keys) raw.run(key, ts, ...values(t, false, rnd))
  })()
}

export async function benchHistory(runs: number, log: (line: string) => void): Promise<HistoryFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'homeport-bench-history-'))
  try {
    const now = Math.floor(Date.now() / 1000)
    let seed = 7
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647)
    const db = openDatabase(dir)
    const servers = new ServersRepo(db)
    const repo = new MetricsRepo(db)
    const ids = Array.from({ length: SERVERS }, (_, i) => {
      const id = randomUUID()
      servers.insert({ id, name: `bench-${i + 1}`, host: '127.0.0.1', port: 22, user: 'u', authMethod: 'agent', hasSecret: false, createdAt: new Date().toISOString() })
      return id
    })
    log(`generating 90 days of history for ${SERVERS} servers…`)
    generate(db, HOST_TABLE, ids.map((id) => repo.hostKey(id)!), now, rnd)
    const hostsBytes = fileSize(db, dir)
    log(`… and for ${CONTAINERS} containers on each…`)
    generate(db, CONTAINER_TABLE, ids.flatMap((id) => Array.from({ length: CONTAINERS }, (_, c) => repo.containerKey(id, `app${c}-web-1`, `app${c}`))), now, rnd)
    const totalBytes = fileSize(db, dir)
    const rows = repo.counts()
    let started = performance.now()
    repo.rollup(now + 60)
    const rollupMs = performance.now() - started
    started = performance.now()
    repo.prune(now + 60)
    const pruneMs = performance.now() - started
    db.close()

    const core = await createCore({ dataDir: dir, secrets: new MemorySecretStore() })
    const dispatch = createDispatch(core.handlers)
    const ctx = { clientId: 'bench' }
    const query = async (range: '1h' | '24h' | '7d' | '90d', server = 0) => {
      const r = await dispatch('monitor.history', { serverId: `bench-${server + 1}`, range }, ctx)
      if (!r.ok) throw new Error(r.error.message)
      return r.value as HostHistoryDto
    }
    const week = await query('7d')
    if (week.times.length < 672 || week.times.length > 673 || week.gaps.length > 1) throw new Error(`unexpected 7-day answer: ${week.times.length} points, ${week.gaps.length} gaps`)
    // The anchor: the very same aggregation with SQLite told not to use the index (a full-table scan).
    const scanDb = openDatabase(dir)
    const scanRepo = new MetricsRepo(scanDb)
    const key = scanRepo.hostKey(ids[0], false)!
    const scan = async () => collectBuckets(scanRepo, HOST_TABLE, key, HOST_PLANS['7d'], week.from, week.to, HOST_TABLE.columns, true)
    let k = 0
    const [weekTimes, scanTimes] = await sampleInterleaved(runs, [() => query('7d', k++ % SERVERS), scan], 3)
    const others = []
    for (const range of ['1h', '24h', '90d'] as const) others.push({ range, times: (await sampleInterleaved(Math.ceil(runs / 2), [() => query(range, k++ % SERVERS)], 2))[0] })
    const cpuOnly = async () => dispatch('monitor.history', { serverId: `bench-${(k++ % SERVERS) + 1}`, range: '7d', series: ['cpu'] }, ctx)
    others.push({ range: '7d, cpu only', times: (await sampleInterleaved(Math.ceil(runs / 2), [cpuOnly], 2))[0] })
    // What a week at a 5-minute step from the 1-minute rows would cost instead (every series, no dispatch).
    const fine = async () => collectBuckets(scanRepo, HOST_TABLE, key, { ...HOST_PLANS['7d'], tier: 60, step: 300 }, week.from, week.to, HOST_TABLE.columns)
    others.push({ range: '7d from 1-minute rows at 5 min (for comparison)', times: (await sampleInterleaved(Math.ceil(runs / 2), [fine], 2))[0] })
    scanDb.close()
    await core.close()
    return {
      rows, hostsBytes, totalBytes, perServerBytes: hostsBytes / SERVERS, perContainerBytes: (totalBytes - hostsBytes) / (SERVERS * CONTAINERS),
      week: weekTimes, weekScan: scanTimes, others, rollupMs, pruneMs,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function printHistory(f: HistoryFigures, runs: number): void {
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`
  const kb = (b: number) => `${(b / 1e3).toFixed(0)} kB`
  console.log(`\nHistory: ${SERVERS} servers × 90 days, ${CONTAINERS} containers each (${f.rows.reduce((s, r) => s + r.rows, 0).toLocaleString('en')} rows):`)
  for (const r of f.rows) console.log(`  ${r.table.padEnd(18)} tier ${String(r.tier).padEnd(4)} ${r.rows.toLocaleString('en').padStart(9)} rows`)
  const [p50, scan50] = [median(f.week), median(f.weekScan)]
  console.log(`\n7-day chart query (${runs} runs, interleaved):`)
  console.log(`  Homeport monitor.history 7d (673 quarter hours, 13 series, via dispatch)  p50 ${formatMs(p50)}  p95 ${formatMs(percentile(f.week, 95))}  target ≤ 50 ms: ${p50 <= 50 ? 'met' : 'MISSED'}`)
  console.log(`  anchor: same read and aggregation, full-table scan (no index)      p50 ${formatMs(scan50)}  p95 ${formatMs(percentile(f.weekScan, 95))}`)
  console.log(`  ratio Homeport / full scan: ${(p50 / scan50).toFixed(3)}x`)
  for (const o of f.others) console.log(`  monitor.history ${o.range.padEnd(4)}  p50 ${formatMs(median(o.times))}`)
  console.log(`  one rollup pass over this database: ${formatMs(f.rollupMs)}; one prune pass: ${formatMs(f.pruneMs)}`)
  console.log(`\nDatabase size bound (every tier full, as after 90 days connected):`)
  console.log(`  ${kb(f.perServerBytes)} per server + ${kb(f.perContainerBytes)} per container`)
  console.log(`  ${SERVERS} servers: ${mb(f.hostsBytes)}; with ${SERVERS * CONTAINERS} containers: ${mb(f.totalBytes)} (file size measured)`)
}
