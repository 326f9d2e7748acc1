// The server page's charts as plain data: which series each chart draws and in which unit, the columns uPlot
// takes (times, then one array per series, null where nothing was sampled), and the live edge: a sample
// that arrives while the last hour is shown is appended, after a null point when it comes after a pause,
// so a stretch without samples stays a gap and is never bridged by a line.

import type { ContainerHistoryDto, HostHistoryDto, HostSampleDto, HostSeries } from '../../../../../shared/contract/index.js'
import type { UnitKind } from '../../../ui/chart-units.js'

export interface ChartSpec {
  id: string
  title: string
  unit: UnitKind
  series: { key: HostSeries; label: string }[]
}

export const HOST_CHARTS: ChartSpec[] = [
  { id: 'cpu', title: 'CPU', unit: 'percent', series: [{ key: 'cpu', label: 'CPU' }] },
  { id: 'memory', title: 'Memory', unit: 'bytes', series: [{ key: 'memUsed', label: 'Used' }, { key: 'memTotal', label: 'Total' }, { key: 'swapUsed', label: 'Swap used' }] },
  { id: 'disk', title: 'Disk usage (fullest disk)', unit: 'percent', series: [{ key: 'diskPct', label: 'Used' }] },
  { id: 'disk-io', title: 'Disk I/O', unit: 'rate', series: [{ key: 'diskRead', label: 'Read' }, { key: 'diskWrite', label: 'Write' }] },
  { id: 'network', title: 'Network', unit: 'rate', series: [{ key: 'netRx', label: 'Received' }, { key: 'netTx', label: 'Sent' }] },
  { id: 'temperature', title: 'Temperature', unit: 'celsius', series: [{ key: 'temp', label: 'Hottest sensor' }] },
]

export interface ChartColumns {
  labels: string[]
  /** [times, ...one column per label]: uPlot's AlignedData. */
  data: (number | null)[][]
  /** The x range shown: the whole requested range, so a pause at either end shows as empty space. */
  from: number
  to: number
}

/** Every series the charts draw, to ask the history for. */
export const CHARTED_SERIES: HostSeries[] = [...new Set(HOST_CHARTS.flatMap((c) => c.series.map((s) => s.key)))]

export function hostColumns(history: HostHistoryDto, spec: ChartSpec): ChartColumns {
  return {
    labels: spec.series.map((s) => s.label),
    data: [history.times, ...spec.series.map((s) => history.series[s.key]?.avg ?? history.times.map(() => null))],
    from: history.from,
    to: history.to,
  }
}

/** Whether the chart has anything to draw (a server without sensors has no temperature). */
export function hasPoints(columns: ChartColumns): boolean {
  return columns.data.slice(1).some((column) => column.some((v) => v !== null))
}

/** How many stretches without data lie between drawn points (a pause at either end does not count). */
export function gapCount(columns: ChartColumns): number {
  const [times, ...series] = columns.data
  let gaps = 0
  let seen = false
  let inGap = false
  for (let i = 0; i < (times?.length ?? 0); i++) {
    const has = series.some((column) => column[i] !== null && column[i] !== undefined)
    if (has && inGap && seen) gaps++
    if (has) seen = true
    inGap = !has
  }
  return gaps
}

/** A pause longer than this after the last point is a gap: three intervals and a bit, as the history counts it. */
export function gapAfter(intervalSeconds: number): number {
  return 3 * intervalSeconds + 2
}

/**
 * The history with a live sample appended (a new object; the old one is left alone). Points older than the
 * range drop off the front; the range's window moves with the sample.
 */
export function appendSample(history: HostHistoryDto, sample: HostSampleDto, intervalSeconds: number): HostHistoryDto {
  const span = history.to - history.from
  const last = history.times.at(-1)
  if (last !== undefined && sample.time <= last) return history
  const keys = Object.keys(history.series) as HostSeries[]
  const times = [...history.times]
  const avg = new Map(keys.map((k) => [k, [...(history.series[k]?.avg ?? [])]]))
  const max = new Map(keys.map((k) => [k, [...(history.series[k]?.max ?? [])]]))
  const push = (value: (k: HostSeries) => number | null) => keys.forEach((k) => (avg.get(k)!.push(value(k)), max.get(k)!.push(value(k))))
  const gaps = [...history.gaps]
  if (last !== undefined && sample.time - last > gapAfter(intervalSeconds)) {
    times.push(last + 1)
    push(() => null)
    gaps.push([last + 1, sample.time])
  }
  times.push(sample.time)
  push((k) => sample.values[k] ?? null)
  const from = Math.max(history.from, sample.time - span)
  const keep = times.findIndex((t) => t >= from)
  const cut = keep < 0 ? times.length : keep
  return {
    ...history,
    from,
    to: Math.max(history.to, sample.time),
    times: times.slice(cut),
    gaps: gaps.filter(([, end]) => end > from),
    series: Object.fromEntries(keys.map((k) => [k, { avg: avg.get(k)!.slice(cut), max: max.get(k)!.slice(cut) }])),
  }
}

/** Per-container CPU or memory: one series per container, labelled with its app when it has one. */
export function containerColumns(history: ContainerHistoryDto, metric: 'cpu' | 'memory'): ChartColumns {
  const containers = [...history.containers].sort((a, b) => a.container.localeCompare(b.container))
  return {
    labels: containers.map((c) => c.container),
    data: [history.times, ...containers.map((c) => c[metric].avg)],
    from: history.from,
    to: history.to,
  }
}
