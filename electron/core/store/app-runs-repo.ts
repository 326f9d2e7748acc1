// The laptop's copy of each install or update run that has not finished: written before each of its steps,
// next to the copy in the app's folder on the server, and deleted once the run is committed or rolled back.
// What is stored is the run's journal without the earlier contents of the app's files (they may hold
// generated passwords, which never go into SQLite).

import type { Db } from './database.js'

export interface AppRunRow {
  runId: string
  serverId: string
  app: string
  state: string
  /** The journal as JSON, file contents left out. */
  journal: string
  startedAt: string
}

export class AppRunsRepo {
  constructor(private readonly db: Db) {}

  save(row: AppRunRow): void {
    this.db
      .prepare(
        `INSERT INTO app_runs (run_id, server_id, app, state, journal, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(run_id) DO UPDATE SET state = excluded.state, journal = excluded.journal, updated_at = excluded.updated_at`,
      )
      .run(row.runId, row.serverId, row.app, row.state, row.journal, row.startedAt, new Date().toISOString())
  }

  /** Runs of this server that have not finished, oldest first. */
  unfinished(serverId: string): AppRunRow[] {
    return this.db
      .prepare('SELECT run_id AS runId, server_id AS serverId, app, state, journal, started_at AS startedAt FROM app_runs WHERE server_id = ? ORDER BY started_at')
      .all(serverId) as AppRunRow[]
  }

  delete(runId: string): void {
    this.db.prepare('DELETE FROM app_runs WHERE run_id = ?').run(runId)
  }
}
