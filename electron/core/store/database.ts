// Opens (creating if needed) the SQLite database in the data dir, in WAL mode, with the schema migrated.

import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { migrate } from './migrations.js'

export const DATABASE_FILE = 'homeport.db'

export type Db = Database.Database

export function openDatabase(dataDir: string): Db {
  // 0700: the database names hosts and users; nobody else on the machine needs to read it.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const file = path.join(dataDir, DATABASE_FILE)
  restrictToOwner(file)
  const db = new Database(file)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    migrate(db)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

/**
 * 0600, like every other file Homeport keeps: created so before SQLite opens it (SQLite gives its -wal and
 * -shm files the database's mode), and tightened when an earlier version left it readable by others.
 */
function restrictToOwner(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', 0o600))
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(f, 0o600)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
}
