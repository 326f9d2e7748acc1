// Downsampling checked on generated history: 1-minute and 15-minute rows keep the exact mean (weighted by
// the samples behind them, so a gap does not pull it down) and the exact maximum; pruning keeps each tier's
// window; chart queries pick the tier, fill the newest minutes from samples, and show gaps as nulls.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../store/database.js'
import { MetricsRepo } from '../store/metrics-repo.js'
import { HOST_SERIES } from '../../../shared/contract/index.js'
import { HOST_TABLE } from '../store/metrics-schema.js'
import { ServersRepo } from '../store/servers-repo.js'
import { containerHistory, hostHistory } from './history.js'

let dir: string
let db: Db
let repo: MetricsRepo

const T0 = 1_780_000_200 // a quarter-hour boundary
const END = T0 + 2 * 3600 + 7
const GAP: [number, number] = [T0 + 5430, T0 + 6030] // ten minutes without samples, starting mid-minute
const cpuAt = (t: number) => ((t * 37) % 1000) / 10
const memAt = (t: number) => 1_000_000 + (t % 977) * 1000
const tempAt = (t: number) => (t < T0 + 3600 ? null : 40 + (t % 7))
const times: number[] = []

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-history-'))
  db = openDatabase(dir)
  new ServersRepo(db).insert({ id: 's1', name: 'nas', host: 'h', port: 22, user: 'u', authMethod: 'agent', hasSecret: false, createdAt: '2026-01-01T00:00:00Z' })
  repo = new MetricsRepo(db)
  times.length = 0
  for (let t = T0; t < END - 2; t += 5) {
    if (t >= GAP[0] && t < GAP[1]) continue
    times.push(t)
    repo.addHost('s1', t, { cpu: cpuAt(t), load1: 0.5, memUsed: memAt(t), memTotal: 8e9, swapUsed: 0, diskPct: 50, diskUsed: 1, diskTotal: 2, diskRead: t % 50, diskWrite: 0, netRx: 10, netTx: 20, temp: tempAt(t) })
  }
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const within = (a: number, b: number) => times.filter((t) => t >= a && t < b)
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length
const row = (tier: number, ts: number) => db.prepare('SELECT * FROM host_metrics WHERE host = 1 AND tier = ? AND ts = ?').get(tier, ts) as Record<string, number | null> | undefined

describe('downsampling', () => {
  it('keeps the mean and the maximum of every minute and every quarter hour, weighted by the samples behind them', () => {
    repo.rollup(END)
    for (const m of [T0, T0 + 60 * 37, GAP[0] - 30, GAP[1] - 30, T0 + 60 * 110]) {
      const ts = within(m, m + 60)
      expect(row(60, m)).toMatchObject({ n: ts.length, mem_used_max: Math.max(...ts.map(memAt)) })
      expect(row(60, m)!.cpu).toBeCloseTo(mean(ts.map(cpuAt)), 2)
      expect(row(60, m)!.cpu_max).toBeCloseTo(Math.max(...ts.map(cpuAt)), 5)
    }
    // The quarter hour the gap starts in: its minutes hold 12, 12, …, 6 samples; the mean is still the samples' own.
    const q = T0 + 900 * 6
    const qs = within(q, q + 900)
    expect(row(900, q)!.n).toBe(qs.length)
    expect(row(900, q)!.cpu).toBeCloseTo(mean(qs.map(cpuAt)), 1)
    expect(row(900, q)!.cpu_max).toBeCloseTo(Math.max(...qs.map(cpuAt)), 5)
    expect(row(900, q)!.mem_used).toBeCloseTo(mean(qs.map(memAt)), -1)
    expect(row(900, q)!.disk_read_max).toBe(Math.max(...qs.map((t) => t % 50)))
    // A series without values (no sensor in the first hour) stays null instead of reading as 0.
    expect(row(60, T0)!.temp).toBeNull()
    expect(row(900, T0 + 3600)!.temp).toBeCloseTo(mean(within(T0 + 3600, T0 + 4500).map((t) => tempAt(t)!)), 1)
    // The quarter hour not finished yet is not written.
    expect(row(900, T0 + 7200)).toBeUndefined()
  })

  it('rolls up only what is new, and the same rows again give the same answer', () => {
    repo.rollup(T0 + 3600)
    const before = row(60, T0 + 600)
    expect(repo.rollup(END)).toBeGreaterThan(0)
    expect(row(60, T0 + 600)).toEqual(before)
    expect(repo.rollup(END)).toBe(0)
  })

  it('prunes samples past an hour but keeps the minutes', () => {
    repo.rollup(END)
    repo.prune(END)
    const counts = Object.fromEntries(repo.counts().filter((c) => c.table === 'host_metrics').map((c) => [c.tier, c.rows]))
    expect(counts[0]).toBe(within(END - 3600, END).length)
    // Minutes are folded 15 s after they end: the last two are still samples only.
    expect(counts[60]).toBe(new Set(within(T0, T0 + 7140).map((t) => Math.floor(t / 60))).size)
    expect(repo.prune(END + 8 * 86_400)).toBeGreaterThan(0)
    expect(repo.counts().find((c) => c.tier === 60)).toBeUndefined()
  })
})

describe('chart queries', () => {
  it('24 h: one point a minute, the newest minutes from the samples, the gap as nulls', () => {
    repo.rollup(END - 600)
    const h = hostHistory(repo, 's1', '24h', ['cpu'], END, 5)
    expect(h).toMatchObject({ resolution: '1m', stepSeconds: 60 })
    expect(h.times).toHaveLength(1441)
    const at = (ts: number) => h.series.cpu!.avg[h.times.indexOf(ts)]
    expect(at(T0 + 60)).toBeCloseTo(mean(within(T0 + 60, T0 + 120).map(cpuAt)), 2)
    // Rolled up until 10 minutes ago: the last minutes come from the samples, exactly.
    expect(at(T0 + 7140)).toBeCloseTo(mean(within(T0 + 7140, T0 + 7200).map(cpuAt)), 2)
    expect(at(GAP[0] + 90)).toBeNull()
    expect(at(T0 - 60)).toBeNull()
    expect(h.gaps).toContainEqual([GAP[0] - 30 + 60, GAP[1] - 30])
    expect(h.gaps[0][0]).toBe(h.from)
  })

  it('1 h: the samples as they came, a null point where they pause', () => {
    const h = hostHistory(repo, 's1', '1h', ['cpu', 'temp'], END, 5)
    expect(h.resolution).toBe('raw')
    const nulls = h.times.filter((_, i) => h.series.cpu!.avg[i] === null)
    expect(nulls).toHaveLength(1)
    expect(h.gaps).toEqual([[GAP[0] - 5, GAP[1]]])
    expect(h.series.temp!.avg.filter((v) => v !== null)).toHaveLength(within(END - 3599, END).length)
  })

  it('7 d and 90 d: quarter hours and hours that combine the tiers exactly', () => {
    repo.rollup(END)
    const week = hostHistory(repo, 's1', '7d', ['cpu'], END, 5)
    expect(week).toMatchObject({ resolution: '15m', stepSeconds: 900 })
    const b = T0 + 900 * 6
    expect(week.series.cpu!.avg[week.times.indexOf(b)]).toBeCloseTo(mean(within(b, b + 900).map(cpuAt)), 1)
    expect(week.series.cpu!.max[week.times.indexOf(b)]).toBeCloseTo(Math.max(...within(b, b + 900).map(cpuAt)), 5)
    // The newest quarter hour is not rolled up yet: it comes from the minutes and samples, exactly.
    const last = T0 + 7200
    expect(week.series.cpu!.avg[week.times.indexOf(last)]).toBeCloseTo(mean(within(last, END).map(cpuAt)), 2)
    const season = hostHistory(repo, 's1', '90d', ['cpu'], END, 5)
    expect(season).toMatchObject({ resolution: '15m', stepSeconds: 3600 })
    const hour = Math.floor(T0 / 3600) * 3600 + 3600
    expect(season.series.cpu!.avg[season.times.indexOf(hour)]).toBeCloseTo(mean(within(hour, hour + 3600).map(cpuAt)), 1)
    expect(season.gaps[0]).toEqual([season.from, Math.floor(T0 / 3600) * 3600])
  })

  it('answers a server with no history with nothing but a gap', () => {
    const h = hostHistory(repo, 'unknown', '24h', undefined, END, 5)
    expect(h.gaps).toEqual([[h.from, h.times.at(-1)! + 60]])
    expect(Object.keys(h.series)).toEqual([...HOST_SERIES])
    expect(HOST_TABLE.columns.map((c) => c.series)).toEqual([...HOST_SERIES])
    expect(h.series.cpu!.avg.every((v) => v === null)).toBe(true)
    expect(containerHistory(repo, 's1', '1h', undefined, END)).toMatchObject({ containers: [], gaps: [[expect.any(Number), expect.any(Number)]] })
  })

  it('keeps per-container history too', () => {
    for (let t = END - 1800; t < END; t += 30) repo.addContainers('s1', t, [{ name: 'web-app-1', app: 'web', cpu: (t % 60) / 2, memory: 5e6 + (t % 90) }])
    const h = containerHistory(repo, 's1', '1h', undefined, END)
    expect(h.containers.map((c) => [c.container, c.app])).toEqual([['web-app-1', 'web']])
    const i = h.times.findIndex((_, k) => h.containers[0].cpu.avg[k] !== null)
    expect(h.times[i]).toBeGreaterThanOrEqual(END - 1800 - 60)
    expect(h.containers[0].memory.max.filter((v) => v !== null).length).toBeGreaterThan(25)
  })
})
