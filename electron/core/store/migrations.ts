// Numbered schema migrations. Append only: a released migration is never edited, a change is a new entry.
// There are deliberately no secret columns: passwords and passphrases live in the OS keychain.

import type Database from 'better-sqlite3'

export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'servers, host keys, settings',
    sql: `
      CREATE TABLE servers (
        id              TEXT PRIMARY KEY,
        name            TEXT NOT NULL UNIQUE,
        host            TEXT NOT NULL,
        port            INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
        user            TEXT NOT NULL,
        auth_method     TEXT NOT NULL CHECK (auth_method IN ('agent', 'key', 'password', 'keyboard-interactive')),
        identity_file   TEXT,
        ssh_config_host TEXT,
        proxy_jump      TEXT,
        has_secret      INTEGER NOT NULL DEFAULT 0,
        created_at      TEXT NOT NULL
      );
      CREATE TABLE host_keys (
        server_id   TEXT PRIMARY KEY REFERENCES servers(id) ON DELETE CASCADE,
        algorithm   TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        pinned_at   TEXT NOT NULL
      );
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'job history',
    sql: `
      CREATE TABLE jobs (
        id         TEXT PRIMARY KEY,
        kind       TEXT NOT NULL,
        server_id  TEXT,
        state      TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at   TEXT,
        snapshot   TEXT NOT NULL
      );
      CREATE INDEX jobs_started ON jobs (started_at);
    `,
  },
  {
    version: 3,
    name: 'metrics history and alerts',
    // Metrics: one row per server (or container) per sample at tier 0, per minute at tier 60, per quarter
    // hour at tier 900; a row holds the mean of each series and, for tiers 60/900, its maximum (*_max, NULL
    // at tier 0, where the mean is the sample). Small integer keys instead of server ids keep rows short;
    // clustered by key, tier and time, a chart reads one contiguous range.
    sql: `
      CREATE TABLE metric_hosts (
        id        INTEGER PRIMARY KEY,
        server_id TEXT NOT NULL UNIQUE REFERENCES servers(id) ON DELETE CASCADE
      );
      CREATE TABLE host_metrics (
        host INTEGER NOT NULL REFERENCES metric_hosts(id) ON DELETE CASCADE,
        tier INTEGER NOT NULL,
        ts   INTEGER NOT NULL,
        n    INTEGER NOT NULL,
        cpu REAL, cpu_max REAL,
        load1 REAL, load1_max REAL,
        mem_used INTEGER, mem_used_max INTEGER,
        mem_total INTEGER,
        swap_used INTEGER, swap_used_max INTEGER,
        disk_pct REAL, disk_pct_max REAL,
        disk_used INTEGER,
        disk_total INTEGER,
        disk_read INTEGER, disk_read_max INTEGER,
        disk_write INTEGER, disk_write_max INTEGER,
        net_rx INTEGER, net_rx_max INTEGER,
        net_tx INTEGER, net_tx_max INTEGER,
        temp REAL, temp_max REAL,
        PRIMARY KEY (host, tier, ts)
      ) WITHOUT ROWID;
      CREATE TABLE metric_containers (
        id        INTEGER PRIMARY KEY,
        server_id TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
        name      TEXT NOT NULL,
        app       TEXT,
        UNIQUE (server_id, name)
      );
      CREATE TABLE container_metrics (
        container INTEGER NOT NULL REFERENCES metric_containers(id) ON DELETE CASCADE,
        tier INTEGER NOT NULL,
        ts   INTEGER NOT NULL,
        n    INTEGER NOT NULL,
        cpu REAL, cpu_max REAL,
        mem INTEGER, mem_max INTEGER,
        PRIMARY KEY (container, tier, ts)
      ) WITHOUT ROWID;
      CREATE TABLE alerts (
        id          TEXT PRIMARY KEY,
        key         TEXT NOT NULL,
        rule        TEXT NOT NULL,
        server_id   TEXT,
        state       TEXT NOT NULL,
        raised_at   TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        resolved_at TEXT,
        read        INTEGER NOT NULL DEFAULT 0,
        muted       INTEGER NOT NULL DEFAULT 0,
        snapshot    TEXT NOT NULL
      );
      CREATE INDEX alerts_raised ON alerts (raised_at);
      CREATE INDEX alerts_key ON alerts (key, state);
      CREATE INDEX alerts_state ON alerts (state);
    `,
  },
  {
    version: 4,
    name: 'app run journals',
    // The laptop's copy of an unfinished install or update (the server keeps the other, with the files'
    // earlier contents, which never come here: they may hold generated passwords).
    sql: `
      CREATE TABLE app_runs (
        run_id     TEXT PRIMARY KEY,
        server_id  TEXT NOT NULL,
        app        TEXT NOT NULL,
        state      TEXT NOT NULL,
        journal    TEXT NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX app_runs_server ON app_runs (server_id);
    `,
  },
]

/** Applies every migration newer than the recorded version, each in its own transaction. Returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`)
  const current = (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  const applied: number[] = []
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue
    db.transaction(() => {
      db.exec(m.sql)
      record.run(m.version, m.name, new Date().toISOString())
      db.pragma(`user_version = ${m.version}`)
    })()
    applied.push(m.version)
  }
  return applied
}
