// Chart queries: a range picks a resolution (samples for an hour, minutes for a day, quarter hours for a week
// and for 90 days — about 700 to 2,200 points a chart, what a chart of that width can show) and a step; buckets combine the tiers exactly (the newest minutes are not rolled up yet and
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
  '7d': { span: 7 * DAY, tier: 900, step: 900 },
  '90d': { span: 90 * DAY, tier: 900, step: HOUR },
}

export const CONTAINER_PLANS: Record<HistoryRange, Plan> = {
  '1h': { span: HOUR, tier: 0, step: 60 },
  '24h': { span: DAY, tier: 60, step: 300 },
  '7d': { span: 7 * DAY, tier: 900, step: HOUR },
  '90d': { span: 90 * DAY, tier: 900, step: 6 * HOUR },
}

interface Bucket {
  /** Per column: Σ(mean × n), Σn where the mean is known, and the maximum. */
  s: number[]
  w: number[]
  m: (number | null)[]
}

/**
 * Σ(mean × n), Σn and max per bucket of `plan.step` seconds over [from, to), reading each tier only where it
 * is complete: the plan's tier up to where it was last rolled up, then the finer tiers for the newest stretch.
 */
export function collectBuckets(repo: MetricsRepo, t: MetricTable, key: number, plan: Plan, from: number, to: number, columns: readonly MetricColumn[], scan = false): Map<number, Bucket> {
  const buckets = new Map<number, Bucket>()
  let start = from
  for (const tier of [900, 60, 0] as const) {
    if (tier > plan.tier) continue
    const until = Math.min(to, repo.rolledUntil(t, key, tier))
    if (until > start) addRows(buckets, repo.rows(t, key, tier, start, until, columns, scan), columns.length, plan.step)
    start = Math.max(start, until)
  }
  return buckets
}

function addRows(buckets: Map<number, Bucket>, rows: MetricRow[], width: number, step: number): void {
  let bucket: Bucket | undefined
  let at = Number.NaN
  for (const row of rows) {
    const ts = row[0]!
    const b = ts - (ts % step)
    // Rows come in time order: look a bucket up only when it changes.
    if (b !== at) {
      at = b
      bucket = buckets.get(b)
      if (!bucket) buckets.set(b, (bucket = { s: new Array<number>(width).fill(0), w: new Array<number>(width).fill(0), m: new Array<number | null>(width).fill(null) }))
    }
    const n = row[1]!
    for (let i = 0; i < width; i++) {
      const mean = row[2 + 2 * i]
      if (mean === null || mean === undefined) continue
      bucket!.s[i] += mean * n
      bucket!.w[i] += n
      const max = row[3 + 2 * i]!
      if (bucket!.m[i] === null || max > bucket!.m[i]!) bucket!.m[i] = max
    }
  }
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
function rawWithGaps(rows: MetricRow[], width: number, from: number, to: number, intervalSeconds: number) {
  // Three intervals and a bit: a late sample on a busy machine is not a gap, a missed one plus another is.
  const gapAfter = 3 * intervalSeconds + 2
  const times: number[] = []
  const gaps: [number, number][] = []
  const values = Array.from({ length: width }, () => [] as (number | null)[])
  const hole = (a: number, b: number) => {
    gaps.push([a, b])
    times.push(a === from ? from : a + 1)
    values.forEach((v) => v.push(null))
  }
  let prev = from
  for (const row of rows) {
    const ts = row[0]!
    if (ts - prev > gapAfter) hole(prev, ts)
    times.push(ts)
    for (let i = 0; i < width; i++) values[i].push(row[2 + 2 * i] ?? null)
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
    const { times, gaps, values } = rawWithGaps(key === undefined ? [] : repo.rows(HOST_TABLE, key, 0, from, to, columns), columns.length, from, to, intervalSeconds)
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
