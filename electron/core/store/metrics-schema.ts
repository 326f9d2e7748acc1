// The layout of the two metrics tables (migration 3) and the SQL written from it: one list of columns per
// table, so inserting, rolling up and reading can never disagree about which series has a maximum.
//
// Means are weighted by the number of samples behind each row (n), so a 15-minute mean built from 1-minute
// means equals the mean of the samples themselves, and a gap in the data does not pull a mean down.

export type Tier = 0 | 60 | 900
export const TIERS: readonly Tier[] = [0, 60, 900]

export interface MetricColumn {
  /** The name the rest of the core uses (a HostSeries, or cpu/memory for containers). */
  series: string
  column: string
  /** Whether rolled-up rows keep the maximum beside the mean (not for totals, which barely move). */
  max: boolean
  /** Decimal places kept; 0 stores an integer, which SQLite packs into fewer bytes. */
  decimals: number
}

export interface MetricTable {
  table: string
  /** The key column and the table that maps it to a server (and container name). */
  key: string
  columns: readonly MetricColumn[]
  /** Seconds each tier is kept. */
  keep: Record<Tier, number>
}

const HOUR = 3600
const DAY = 24 * HOUR

const col = (series: string, column: string, max: boolean, decimals: number): MetricColumn => ({ series, column, max, decimals })

export const HOST_TABLE: MetricTable = {
  table: 'host_metrics',
  key: 'host',
  columns: [
    col('cpu', 'cpu', true, 2),
    col('load1', 'load1', true, 2),
    col('memUsed', 'mem_used', true, 0),
    col('memTotal', 'mem_total', false, 0),
    col('swapUsed', 'swap_used', true, 0),
    col('diskPct', 'disk_pct', true, 2),
    col('diskUsed', 'disk_used', false, 0),
    col('diskTotal', 'disk_total', false, 0),
    col('diskRead', 'disk_read', true, 0),
    col('diskWrite', 'disk_write', true, 0),
    col('netRx', 'net_rx', true, 0),
    col('netTx', 'net_tx', true, 0),
    col('temp', 'temp', true, 1),
  ],
  keep: { 0: HOUR, 60: 7 * DAY, 900: 90 * DAY },
}

/** Containers come and go and are many: a shorter history than the host's keeps the database small. */
export const CONTAINER_TABLE: MetricTable = {
  table: 'container_metrics',
  key: 'container',
  columns: [col('cpu', 'cpu', true, 2), col('memory', 'mem', true, 0)],
  keep: { 0: HOUR, 60: DAY, 900: 30 * DAY },
}

export function roundTo(value: number | null, decimals: number): number | null {
  if (value === null || !Number.isFinite(value)) return null
  const f = 10 ** decimals
  return Math.round(value * f) / f
}

export function insertSql(t: MetricTable): string {
  const names = t.columns.map((c) => c.column)
  return `INSERT OR REPLACE INTO ${t.table} (${t.key}, tier, ts, n, ${names.join(', ')}) VALUES (?, 0, ?, 1, ${names.map(() => '?').join(', ')})`
}

const weight = (c: MetricColumn) => `SUM(CASE WHEN ${c.column} IS NULL THEN 0 ELSE n END)`
const highest = (c: MetricColumn) => `MAX(COALESCE(${c.column}_max, ${c.column}))`

/**
 * Rolls the rows of one key from tier @source into buckets of tier @target (bind @key, @from, @to too).
 * Buckets are `ts - ts % step`: SQLite's % works on integers, while `/` would divide the REAL that a
 * JavaScript number is bound as.
 */
export function rollupSql(t: MetricTable): string {
  const names = t.columns.flatMap((c) => (c.max ? [c.column, `${c.column}_max`] : [c.column]))
  const exprs = t.columns.flatMap((c) => {
    // `* 1.0` keeps SQLite from dividing integers as integers; x / 0 is NULL (a bucket with no value).
    const mean = `ROUND(SUM(${c.column} * n) * 1.0 / ${weight(c)}, ${c.decimals})`
    return c.max ? [mean, highest(c)] : [mean]
  })
  return `INSERT OR REPLACE INTO ${t.table} (${t.key}, tier, ts, n, ${names.join(', ')})
    SELECT ${t.key}, @target, ts - ts % @target, SUM(n), ${exprs.join(', ')}
    FROM ${t.table} WHERE ${t.key} = @key AND tier = @source AND ts >= @from AND ts < @to
    GROUP BY ts - ts % @target`
}

/**
 * The rows of one key and tier over [@from, @to), oldest first, as arrays: ts, n, then per column its mean
 * and its maximum (the mean where a row keeps none). Charts aggregate them into buckets in JavaScript: rows
 * as arrays cost a fraction of what GROUP BY rows as objects do. `scan` makes SQLite ignore the index — the
 * full-table scan the benchmark compares against.
 */
export function rowsSql(t: MetricTable, columns: readonly MetricColumn[], scan = false): string {
  const picks = columns.flatMap((c) => [c.column, c.max ? `COALESCE(${c.column}_max, ${c.column})` : c.column])
  const p = scan ? '+' : ''
  return `SELECT ts, n, ${picks.join(', ')} FROM ${t.table}
    WHERE ${p}${t.key} = @key AND ${p}tier = @tier AND ${p}ts >= @from AND ${p}ts < @to ORDER BY ts`
}
