// How charts and tiles write their numbers: one unit per axis (every tick of an axis in the
// same unit, chosen from the largest), and a floor under each axis so a quiet series never asks for ticks
// such as "0.000000001 B/s".

import { formatBytes } from './format.js'

export type UnitKind = 'percent' | 'bytes' | 'rate' | 'celsius' | 'load'

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/** The smallest span an axis shows from 0: a flat or empty series still gets a readable scale. */
export const AXIS_FLOOR: Record<UnitKind, number> = { percent: 10, bytes: 1024 * 1024, rate: 1024, celsius: 40, load: 1 }

/** Percent charts end at 100 when the values allow; everything else gets a little headroom above its peak. */
export function axisRange(kind: UnitKind, min: number | null | undefined, max: number | null | undefined): [number, number] {
  const low = Math.min(0, min ?? 0)
  const peak = Math.max(max ?? 0, 0)
  if (kind === 'percent') return [low, peak <= 100 ? Math.max(AXIS_FLOOR.percent, Math.min(100, peak * 1.15)) : peak * 1.1]
  return [low, Math.max(peak * 1.15, AXIS_FLOOR[kind])]
}

function byteScale(value: number): number {
  let unit = 0
  let v = Math.abs(value)
  while (v >= 1024 && unit < BYTE_UNITS.length - 1) {
    v /= 1024
    unit++
  }
  return unit
}

/** The fewest decimals (at most two) that write every tick exactly; else one, or two if one cannot tell them apart. */
function decimalsFor(values: number[]): number {
  for (let d = 0; d <= 2; d++) if (values.every((v) => Math.abs(Number(v.toFixed(d)) - v) < 1e-9 * Math.max(1, Math.abs(v)))) return d
  return new Set(values.map((v) => v.toFixed(1))).size === values.length ? 1 : 2
}

/** Tick labels for an axis, all in the unit its largest tick needs. */
export function tickLabels(kind: UnitKind, ticks: number[]): string[] {
  if (ticks.length === 0) return []
  if (kind === 'bytes' || kind === 'rate') {
    const unit = byteScale(Math.max(...ticks.map(Math.abs)))
    const scaled = ticks.map((t) => t / 1024 ** unit)
    const d = unit === 0 ? 0 : decimalsFor(scaled)
    const suffix = `${BYTE_UNITS[unit]}${kind === 'rate' ? '/s' : ''}`
    return scaled.map((v) => `${clean(v, d)} ${suffix}`)
  }
  const d = decimalsFor(ticks)
  const suffix = kind === 'percent' ? ' %' : kind === 'celsius' ? ' °C' : ''
  return ticks.map((t) => `${clean(t, d)}${suffix}`)
}

/** Zero as "0" (never "-0" or "0.00"), every other value with the axis' decimals. */
function clean(value: number, decimals: number): string {
  const text = value.toFixed(decimals)
  return Number(text) === 0 ? '0' : text
}

/** Tick spacings for byte axes: 1, 2, 5, 10, 20, 50, 100, 200, 500 of each binary unit, so ticks fall on round MiB or GiB. */
export const BYTE_INCREMENTS: number[] = BYTE_UNITS.flatMap((_, unit) => [1, 2, 5, 10, 20, 50, 100, 200, 500].map((m) => m * 1024 ** unit))

/** One value as a legend or a tile shows it; null is "no data". */
export function formatValue(kind: UnitKind, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  switch (kind) {
    case 'percent':
      return `${value.toFixed(1)} %`
    case 'celsius':
      return `${value.toFixed(0)} °C`
    case 'load':
      return value.toFixed(2)
    case 'bytes':
      return formatBytes(Math.max(0, Math.round(value)))
    case 'rate':
      return `${formatBytes(Math.max(0, Math.round(value)))}/s`
  }
}
