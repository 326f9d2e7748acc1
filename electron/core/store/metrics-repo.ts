// Metrics history: samples (tier 0), 1-minute (tier 60) and 15-minute (tier 900) rows per server and per
// container, rolled up as time passes and pruned by age, so the file stays bounded whatever the uptime.
// Keys are small integers mapped to server ids (and container names) in metric_hosts / metric_containers.

import type { Statement } from 'better-sqlite3'
import type { Db } from './database.js'
import { CONTAINER_TABLE, HOST_TABLE, insertSql, rollupSql, roundTo, rowsSql, type MetricColumn, type MetricTable, type Tier } from './metrics-schema.js'

/** ts, n, then per column its mean and its maximum (see rowsSql). */
export type MetricRow = (number | null)[]

/** A minute is rolled up this long after it ends, so a sample arriving late still lands in its minute. */
const ROLLUP_LAG_SECONDS = 15

const keyTable = (t: MetricTable) => (t === HOST_TABLE ? 'metric_hosts' : 'metric_containers')
const INSERT_HOST = insertSql(HOST_TABLE)
const INSERT_CONTAINER = insertSql(CONTAINER_TABLE)

export class MetricsRepo {
  private readonly hostKeys = new Map<string, number>()
  private readonly containerKeys = new Map<string, number>()
  /** `table:key:tier` → start of the first bucket of that tier not rolled up yet. */
  private readonly marks = new Map<string, number>()
  private readonly statements = new Map<string, Statement>()

  constructor(private readonly db: Db) {}

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.statements.set(sql, s)
    }
    return s
  }

  hostKey(serverId: string, create = true): number | undefined {
    const cached = this.hostKeys.get(serverId)
    if (cached !== undefined) return cached
    let row = this.stmt('SELECT id FROM metric_hosts WHERE server_id = ?').get(serverId) as { id: number } | undefined
    if (!row && create) row = { id: Number(this.stmt('INSERT INTO metric_hosts (server_id) VALUES (?)').run(serverId).lastInsertRowid) }
    if (row) this.hostKeys.set(serverId, row.id)
    return row?.id
  }

  containerKey(serverId: string, name: string, app?: string): number {
    const k = `${serverId}\n${name}`
    const cached = this.containerKeys.get(k)
    if (cached !== undefined) return cached
    const id = (
      this.stmt(
        `INSERT INTO metric_containers (server_id, name, app) VALUES (?, ?, ?)
         ON CONFLICT(server_id, name) DO UPDATE SET app = excluded.app RETURNING id`,
      ).get(serverId, name, app ?? null) as { id: number }
    ).id
    this.containerKeys.set(k, id)
    return id
  }

  /** Containers with history on a server. */
  containers(serverId: string): { key: number; name: string; app?: string }[] {
    const rows = this.stmt('SELECT id, name, app FROM metric_containers WHERE server_id = ? ORDER BY name').all(serverId) as { id: number; name: string; app: string | null }[]
    return rows.map((r) => ({ key: r.id, name: r.name, ...(r.app ? { app: r.app } : {}) }))
  }

  /** One host sample; `ts` in unix seconds. */
  addHost(serverId: string, ts: number, values: Record<string, number | null>): void {
    const key = this.hostKey(serverId)!
    this.stmt(INSERT_HOST).run(key, ts, ...HOST_TABLE.columns.map((c) => roundTo(values[c.series] ?? null, c.decimals)))
  }

  addContainers(serverId: string, ts: number, rows: { name: string; app?: string; cpu: number | null; memory: number }[]): void {
    const insert = this.stmt(INSERT_CONTAINER)
    this.db.transaction(() => {
      for (const r of rows) insert.run(this.containerKey(serverId, r.name, r.app), ts, roundTo(r.cpu, 2), roundTo(r.memory, 0))
    })()
  }

  /** Folds finished minutes into tier 60 and finished quarter hours into tier 900. Returns the buckets written. */
  rollup(nowSeconds: number): number {
    let written = 0
    this.db.transaction(() => {
      for (const t of [HOST_TABLE, CONTAINER_TABLE]) {
        for (const key of this.keys(t)) {
          written += this.rollKey(t, key, 0, 60, nowSeconds)
          written += this.rollKey(t, key, 60, 900, nowSeconds)
        }
      }
    })()
    return written
  }

  private rollKey(t: MetricTable, key: number, source: Tier, target: Tier, now: number): number {
    let end = Math.floor((now - ROLLUP_LAG_SECONDS) / target) * target
    // A quarter hour is folded only once all of its minutes are.
    if (source !== 0) end = Math.min(end, Math.floor(this.rolledUntil(t, key, source) / target) * target)
    const from = this.rolledUntil(t, key, target)
    if (from >= end) return 0
    const changes = this.stmt(rollupSql(t)).run({ target, key, source, from, to: end }).changes
    this.marks.set(`${t.table}:${key}:${target}`, end)
    return changes
  }

  /**
   * Rows of `tier` cover time before this; later time is still in the finer tier below. For tier 0, the
   * end of time: samples are written as they come.
   */
  rolledUntil(t: MetricTable, key: number, tier: Tier): number {
    if (tier === 0) return Number.MAX_SAFE_INTEGER
    const mark = this.marks.get(`${t.table}:${key}:${tier}`)
    if (mark !== undefined) return mark
    const last = (this.stmt(`SELECT MAX(ts) AS v FROM ${t.table} WHERE ${t.key} = ? AND tier = ?`).get(key, tier) as { v: number | null }).v
    if (last !== null) return this.remember(t, key, tier, last + tier)
    const source = tier === 900 ? 60 : 0
    const first = (this.stmt(`SELECT MIN(ts) AS v FROM ${t.table} WHERE ${t.key} = ? AND tier = ?`).get(key, source) as { v: number | null }).v
    if (first !== null) return this.remember(t, key, tier, Math.floor(first / tier) * tier)
    return source === 60 ? Math.floor(this.rolledUntil(t, key, 60) / tier) * tier : 0
  }

  private remember(t: MetricTable, key: number, tier: Tier, value: number): number {
    this.marks.set(`${t.table}:${key}:${tier}`, value)
    return value
  }

  /** Deletes rows older than each tier keeps, and containers left without any. Returns the rows deleted. */
  prune(nowSeconds: number): number {
    let deleted = 0
    this.db.transaction(() => {
      for (const t of [HOST_TABLE, CONTAINER_TABLE]) {
        for (const key of this.keys(t)) {
          for (const tier of [0, 60, 900] as const) {
            deleted += this.stmt(`DELETE FROM ${t.table} WHERE ${t.key} = ? AND tier = ? AND ts < ?`).run(key, tier, nowSeconds - t.keep[tier]).changes
          }
        }
      }
      const gone = this.stmt(
        'DELETE FROM metric_containers WHERE NOT EXISTS (SELECT 1 FROM container_metrics WHERE container = metric_containers.id) RETURNING id',
      ).all() as { id: number }[]
      if (gone.length > 0) {
        this.containerKeys.clear()
        for (const { id } of gone) for (const tier of [60, 900]) this.marks.delete(`${CONTAINER_TABLE.table}:${id}:${tier}`)
      }
    })()
    return deleted
  }

  private keys(t: MetricTable): number[] {
    return (this.stmt(`SELECT id FROM ${keyTable(t)}`).all() as { id: number }[]).map((r) => r.id)
  }

  /** Rows of one tier over [from, to), oldest first (see rowsSql). */
  rows(t: MetricTable, key: number, tier: Tier, from: number, to: number, columns: readonly MetricColumn[], scan = false): MetricRow[] {
    if (from >= to) return []
    const sql = rowsSql(t, columns, scan)
    let s = this.statements.get(sql)
    if (!s) {
      s = this.db.prepare(sql).raw(true)
      this.statements.set(sql, s)
    }
    return s.all({ key, tier, from, to }) as MetricRow[]
  }

  /** Rows per table and tier, for the benchmark and the size bound. */
  counts(): { table: string; tier: number; rows: number }[] {
    return [HOST_TABLE, CONTAINER_TABLE].flatMap((t) =>
      (this.db.prepare(`SELECT tier, COUNT(*) AS rows FROM ${t.table} GROUP BY tier ORDER BY tier`).all() as { tier: number; rows: number }[]).map((r) => ({ table: t.table, ...r })),
    )
  }
}
