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
  const db = new Database(path.join(dataDir, DATABASE_FILE))
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
