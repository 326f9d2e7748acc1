import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { JobDto } from '../../../shared/contract/index.js'
import { openDatabase, type Db } from '../store/database.js'
import { AlertsRepo } from '../store/alerts-repo.js'
import { SettingsRepo } from '../store/settings-repo.js'
import { AlertCenter } from './alert-center.js'
import { AlertPrefs } from './alert-prefs.js'
import { onJobUpdate } from './job-alerts.js'

let dir: string
let db: Db
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-job-alerts-'))
  db = openDatabase(dir)
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const job = (id: string, state: JobDto['state']): JobDto =>
  ({ id, kind: 'install', title: 'Install gitea', serverId: 's1', state, items: [], log: [], startedAt: '2026-05-01T12:00:00.000Z',
    ...(state === 'failed' ? { error: { code: 'APP_START_FAILED', message: 'The app did not start.', hint: 'Read its logs.' } } : {}) }) as JobDto

describe('job alerts', () => {
  it('keeps a failure open, aimed at its job log, until the same work succeeds; a cancel is no alert', () => {
    const center = new AlertCenter({ repo: new AlertsRepo(db), prefs: new AlertPrefs(new SettingsRepo(db)), events: { emit() {} } })
    const name = () => 'nas'
    onJobUpdate(center, job('j0', 'running'), name)
    onJobUpdate(center, job('j0', 'cancelled'), name)
    expect(new AlertsRepo(db).list({ state: 'all', limit: 10 })).toEqual([])
    onJobUpdate(center, job('j1', 'failed'), name)
    expect(center.openAlerts()).toMatchObject([
      { rule: 'job.failed', severity: 'warning', title: 'Install gitea failed on nas', message: 'The app did not start. Read its logs.', target: { kind: 'job', jobId: 'j1', serverId: 's1' } },
    ])
    onJobUpdate(center, job('j2', 'succeeded'), name)
    expect(center.openAlerts()).toEqual([])
    const history = new AlertsRepo(db).list({ state: 'all', limit: 10 })
    expect(history.map((a) => [a.rule, a.state, a.resolution])).toEqual(
      expect.arrayContaining([['job.failed', 'resolved', 'done'], ['job.succeeded', 'resolved', 'done']]),
    )
    expect(history.find((a) => a.rule === 'job.succeeded')).toMatchObject({ title: 'Install gitea finished on nas', target: { kind: 'job', jobId: 'j2' } })
  })
})
