// Alerts and their history: each alert's latest snapshot, with the columns the alert centre filters on.
// Open alerts survive a restart of the app; resolved ones are kept for 90 days, at most ALERT_HISTORY_LIMIT.

import type { AlertDto } from '../../../shared/contract/index.js'
import type { Db } from './database.js'

const ALERT_HISTORY_LIMIT = 2000
const KEEP_DAYS = 90

export class AlertsRepo {
  constructor(private readonly db: Db) {}

  save(alert: AlertDto, key: string): void {
    this.db
      .prepare(
        `INSERT INTO alerts (id, key, rule, server_id, state, raised_at, updated_at, resolved_at, read, muted, snapshot)
         VALUES (@id, @key, @rule, @serverId, @state, @raisedAt, @updatedAt, @resolvedAt, @read, @muted, @snapshot)
         ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, resolved_at = excluded.resolved_at,
           read = excluded.read, muted = excluded.muted, snapshot = excluded.snapshot`,
      )
      .run({
        id: alert.id,
        key,
        rule: alert.rule,
        serverId: alert.serverId ?? null,
        state: alert.state,
        raisedAt: alert.raisedAt,
        updatedAt: alert.updatedAt,
        resolvedAt: alert.resolvedAt ?? null,
        read: alert.read ? 1 : 0,
        muted: alert.muted ? 1 : 0,
        snapshot: JSON.stringify(alert),
      })
  }

  get(id: string): AlertDto | undefined {
    const row = this.db.prepare('SELECT snapshot FROM alerts WHERE id = ?').get(id) as { snapshot: string } | undefined
    return row && (JSON.parse(row.snapshot) as AlertDto)
  }

  /** The open alert of a key, or else the one resolved most recently. */
  latestByKey(key: string): AlertDto | undefined {
    const row = this.db
      .prepare("SELECT snapshot FROM alerts WHERE key = ? ORDER BY state = 'open' DESC, updated_at DESC LIMIT 1")
      .get(key) as { snapshot: string } | undefined
    return row && (JSON.parse(row.snapshot) as AlertDto)
  }

  open(): { alert: AlertDto; key: string }[] {
    const rows = this.db.prepare("SELECT key, snapshot FROM alerts WHERE state = 'open' ORDER BY raised_at").all() as { key: string; snapshot: string }[]
    return rows.map((r) => ({ key: r.key, alert: JSON.parse(r.snapshot) as AlertDto }))
  }

  /** Newest first. */
  list(opts: { serverId?: string; state: 'open' | 'resolved' | 'all'; limit: number; before?: string }): AlertDto[] {
    const where: string[] = []
    const args: unknown[] = []
    const add = (clause: string, value: unknown) => {
      where.push(clause)
      args.push(value)
    }
    if (opts.serverId) add('server_id = ?', opts.serverId)
    if (opts.state !== 'all') add('state = ?', opts.state)
    if (opts.before) add('raised_at < ?', opts.before)
    const sql = `SELECT snapshot FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC LIMIT ?`
    const rows = this.db.prepare(sql).all(...args, opts.limit) as { snapshot: string }[]
    return rows.map((r) => JSON.parse(r.snapshot) as AlertDto)
  }

  /** Unread, not muted: what the badge counts. */
  unreadCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM alerts WHERE read = 0 AND muted = 0').get() as { n: number }).n
  }

  /** Snapshots of the unread alerts among `ids` (every unread one when absent), for marking them read. */
  unread(ids?: string[]): AlertDto[] {
    const rows = (
      ids
        ? this.db.prepare(`SELECT snapshot FROM alerts WHERE read = 0 AND id IN (${ids.map(() => '?').join(', ')})`).all(...ids)
        : this.db.prepare('SELECT snapshot FROM alerts WHERE read = 0').all()
    ) as { snapshot: string }[]
    return rows.map((r) => JSON.parse(r.snapshot) as AlertDto)
  }

  /** Drops resolved alerts past the history's age or length; open ones always stay. */
  prune(now: Date, keep = ALERT_HISTORY_LIMIT): number {
    const cutoff = new Date(now.getTime() - KEEP_DAYS * 86_400_000).toISOString()
    const old = this.db.prepare("DELETE FROM alerts WHERE state = 'resolved' AND raised_at < ?").run(cutoff).changes
    const excess = this.db
      .prepare("DELETE FROM alerts WHERE state = 'resolved' AND id NOT IN (SELECT id FROM alerts ORDER BY raised_at DESC LIMIT ?)")
      .run(keep).changes
    return old + excess
  }
}
