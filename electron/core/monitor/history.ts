// Chart queries: a range picks a resolution (samples for an hour, minutes for a day or a week, quarter hours
// for 90 days) and a step; buckets combine the tiers exactly (the newest minutes are not rolled up yet and
// come from the finer tier). A bucket without any sample is null and listed as a gap: nothing is invented.

import type { ContainerHistoryDto, HistoryRange, HistoryResolution, HostHistoryDto, HostSeries, SeriesColumns } from '../../../shared/contract/index.js'
import { CONTAINER_TABLE, HOST_TABLE, type MetricColumn, type MetricTable, type Tier } from '../store/metrics-schema.js'
import type { MetricRow, MetricsRepo } from '../store/metrics-repo.js'

interface Plan {
  span: number
  tier: Tier
  /** 0: each sample as it came (the host's last hour). */
  step: number
}

const HOUR = 3600
const DAY = 24 * HOUR
const RESOLUTION: Record<Tier, HistoryResolution> = { 0: 'raw', 60: '1m', 900: '15m' }

export const HOST_PLANS: Record<HistoryRange, Plan> = {
  '1h': { span: HOUR, tier: 0, step: 0 },
  '24h': { span: DAY, tier: 60, step: 60 },
  '7d': { span: 7 * DAY, tier: 60, step: 300 },
  '90d': { span: 90 * DAY, tier: 900, step: HOUR },
}

export const CONTAINER_PLANS: Record<HistoryRange, Plan> = {
  '1h': { span: HOUR, tier: 0, step: 60 },
  '24h': { span: DAY, tier: 60, step: 300 },
  '7d': { span: 7 * DAY, tier: 900, step: HOUR },
  '90d': { span: 90 * DAY, tier: 900, step: 6 * HOUR },
}

interface Bucket {
  s: number[]
  w: number[]
  m: (number | null)[]
}

/**
 * Σ(mean × n), Σn and max per bucket over [from, to), reading each tier only where it is complete: the
 * plan's tier before it was last rolled up, then the finer tiers for the newest stretch.
 */
export function collectBuckets(repo: MetricsRepo, t: MetricTable, key: number, plan: Plan, from: number, to: number, columns: readonly MetricColumn[], scan = false): Map<number, Bucket> {
  const sources: [Tier, number, number][] = []
  let start = from
  for (const tier of [900, 60, 0] as const) {
    if (tier > plan.tier) continue
    const until = Math.min(to, repo.rolledUntil(t, key, tier))
    if (until > start) sources.push([tier, start, until])
    start = Math.max(start, until)
  }
  const buckets = new Map<number, Bucket>()
  for (const [tier, a, b] of sources) {
    for (const row of repo.buckets(t, key, tier, a, b, plan.step, columns, scan)) {
      const bucket = buckets.get(row.b!) ?? { s: columns.map(() => 0), w: columns.map(() => 0), m: columns.map(() => null) }
      columns.forEach((c, i) => {
        bucket.s[i] += row[`${c.column}_s`] ?? 0
        bucket.w[i] += row[`${c.column}_w`] ?? 0
        const m = row[`${c.column}_m`] ?? null
        if (m !== null && (bucket.m[i] === null || m > bucket.m[i]!)) bucket.m[i] = m
      })
      buckets.set(row.b!, bucket)
    }
  }
  return buckets
}

const round = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals

/** Columns for every bucket from `from` to `to`; empty buckets are null, and runs of them are the gaps. */
function fill(buckets: Map<number, Bucket>[], columns: readonly MetricColumn[], from: number, to: number, step: number) {
  const times: number[] = []
  const gaps: [number, number][] = []
  const out = buckets.map(() => columns.map(() => ({ avg: [] as (number | null)[], max: [] as (number | null)[] })))
  for (let b = from; b < to; b += step) {
    times.push(b)
    let any = false
    buckets.forEach((map, k) => {
      const bucket = map.get(b)
      columns.forEach((c, i) => {
        const w = bucket?.w[i] ?? 0
        if (w > 0) any = true
        out[k][i].avg.push(w > 0 ? round(bucket!.s[i] / w, c.decimals) : null)
        out[k][i].max.push(w > 0 ? bucket!.m[i] : null)
      })
    })
    const last = gaps.at(-1)
    if (!any) {
      if (last && last[1] === b) last[1] = b + step
      else gaps.push([b, b + step])
    }
  }
  return { times, gaps, columns: out }
}

/** The last hour as sampled; a pause longer than a few intervals is a gap, marked by a null point. */
function rawWithGaps(rows: MetricRow[], columns: readonly MetricColumn[], from: number, to: number, intervalSeconds: number) {
  const gapAfter = Math.max(2.5 * intervalSeconds + 2, 10)
  const times: number[] = []
  const gaps: [number, number][] = []
  const values = columns.map(() => [] as (number | null)[])
  const hole = (a: number, b: number) => {
    gaps.push([a, b])
    times.push(a === from ? from : a + 1)
    values.forEach((v) => v.push(null))
  }
  let prev = from
  for (const row of rows) {
    const ts = row.ts!
    if (ts - prev > gapAfter) hole(prev, ts)
    times.push(ts)
    columns.forEach((c, i) => values[i].push(row[c.column] ?? null))
    prev = ts
  }
  if (to - prev > gapAfter) hole(prev, to)
  return { times, gaps, values }
}

export function hostHistory(repo: MetricsRepo, serverId: string, range: HistoryRange, series: readonly HostSeries[] | undefined, now: number, intervalSeconds: number): HostHistoryDto {
  const plan = HOST_PLANS[range]
  const columns = HOST_TABLE.columns.filter((c) => !series || series.includes(c.series as HostSeries))
  const to = Math.floor(now) + 1
  const from = plan.step ? Math.floor((to - plan.span) / plan.step) * plan.step : to - plan.span
  const key = repo.hostKey(serverId, false)
  const base = { serverId, range, from, to, resolution: RESOLUTION[plan.tier], stepSeconds: plan.step || intervalSeconds }
  const result: Partial<Record<HostSeries, SeriesColumns>> = {}
  if (plan.step === 0) {
    const { times, gaps, values } = rawWithGaps(key === undefined ? [] : repo.raw(HOST_TABLE, key, from, to, columns), columns, from, to, intervalSeconds)
    columns.forEach((c, i) => (result[c.series as HostSeries] = { avg: values[i], max: [...values[i]] }))
    return { ...base, times, gaps, series: result }
  }
  const buckets = key === undefined ? new Map<number, Bucket>() : collectBuckets(repo, HOST_TABLE, key, plan, from, to, columns)
  const filled = fill([buckets], columns, from, to, plan.step)
  columns.forEach((c, i) => (result[c.series as HostSeries] = filled.columns[0][i]))
  return { ...base, times: filled.times, gaps: filled.gaps, series: result }
}

export function containerHistory(repo: MetricsRepo, serverId: string, range: HistoryRange, container: string | undefined, now: number): ContainerHistoryDto {
  const plan = CONTAINER_PLANS[range]
  const to = Math.floor(now) + 1
  const from = Math.floor((to - plan.span) / plan.step) * plan.step
  const known = repo.containers(serverId).filter((c) => !container || c.name === container)
  const buckets = known.map((c) => collectBuckets(repo, CONTAINER_TABLE, c.key, plan, from, to, CONTAINER_TABLE.columns))
  const filled = fill(buckets, CONTAINER_TABLE.columns, from, to, plan.step)
  return {
    serverId, range, from, to, resolution: RESOLUTION[plan.tier], stepSeconds: plan.step, times: filled.times, gaps: filled.gaps,
    containers: known.map((c, k) => ({ container: c.name, ...(c.app ? { app: c.app } : {}), cpu: filled.columns[k][0], memory: filled.columns[k][1] })),
  }
}
