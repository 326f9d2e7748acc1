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
