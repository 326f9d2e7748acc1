import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventMap, EventName } from '../../../shared/contract/index.js'
import { openDatabase, type Db } from '../store/database.js'
import { AlertsRepo } from '../store/alerts-repo.js'
import { SettingsRepo } from '../store/settings-repo.js'
import { AlertCenter, REOPEN_WINDOW_MS } from './alert-center.js'
import { AlertPrefs } from './alert-prefs.js'
import type { AlertSpec } from './alert-spec.js'

let dir: string
let db: Db
let now: number
let seen: { event: EventName; payload: unknown }[]

const events = { emit: <E extends EventName>(event: E, payload: EventMap[E]) => void seen.push({ event, payload }) }
const of = <E extends EventName>(event: E) => seen.filter((e) => e.event === event).map((e) => e.payload as EventMap[E])

const disk: AlertSpec = {
  rule: 'disk.full', severity: 'warning', serverId: 's1', subject: '/data', title: 'nas: disk /data is 93 % full', message: '93 GB of 100 GB used', target: { kind: 'server', serverId: 's1' },
}

function center() {
  const prefs = new AlertPrefs(new SettingsRepo(db), () => now)
  return { prefs, center: new AlertCenter({ repo: new AlertsRepo(db), prefs, events, now: () => now }) }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-alerts-'))
  db = openDatabase(dir)
  now = Date.parse('2026-05-01T12:00:00Z')
  seen = []
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('the alert centre', () => {
  it('keeps one open alert per condition, counting what it sees again, and notifies once', () => {
    const { center: c } = center()
    const first = c.raise(disk)
    now += 1000
    const again = c.raise({ ...disk, title: 'nas: disk /data is 94 % full' })
    expect(again).toMatchObject({ id: first.id, occurrences: 2, title: 'nas: disk /data is 94 % full', state: 'open' })
    expect(of('alert.raised')).toHaveLength(1)
    expect(of('alert.updated')).toHaveLength(1)
    expect(of('alert.notify')).toHaveLength(1)
    expect(c.summary()).toEqual({ unread: 1, open: 1, worst: 'warning' })
  })

  it('resolves, notifies the recovery, and keeps the alert in the history', () => {
    const { center: c } = center()
    const raised = c.raise(disk)
    c.resolveRef({ ref: disk, resolution: 'recovered', message: '/data is at 40 % again.' })
    expect(c.isOpen(disk)).toBe(false)
    expect(c.get(raised.id)).toMatchObject({ state: 'resolved', resolution: 'recovered', resolvedMessage: '/data is at 40 % again.' })
    expect(of('alert.notify').map((n) => n.kind)).toEqual(['raised', 'resolved'])
    expect(new AlertsRepo(db).list({ state: 'all', limit: 10 })).toHaveLength(1)
  })

  it('reopens a condition back within minutes of clearing, without a new notification; later it is a new alert', () => {
    const { center: c } = center()
    const first = c.raise(disk)
    c.resolveRef({ ref: disk, resolution: 'recovered', message: 'ok' })
    now += 60_000
    const back = c.raise(disk)
    expect(back).toMatchObject({ id: first.id, state: 'open', occurrences: 2 })
    expect(back.resolvedAt).toBeUndefined()
    expect(of('alert.notify')).toHaveLength(2)
    c.resolveRef({ ref: disk, resolution: 'recovered', message: 'ok' })
    now += REOPEN_WINDOW_MS + 1
    expect(c.raise(disk).id).not.toBe(first.id)
    expect(of('alert.notify')).toHaveLength(4)
  })

  it('records an alert of a muted server without notifying or counting it; do-not-disturb only silences', () => {
    const { center: c, prefs } = center()
    prefs.mute('s1', undefined, 60)
    expect(c.raise(disk)).toMatchObject({ muted: true, read: true })
    expect(c.summary()).toEqual({ unread: 0, open: 0 })
    prefs.unmute('s1', undefined)
    prefs.doNotDisturb(true)
    c.raise({ ...disk, subject: '/' })
    expect(of('alert.notify')).toHaveLength(0)
    expect(c.summary().unread).toBe(1)
  })

  it('marks alerts read and tells front ends the new count', () => {
    const { center: c } = center()
    const a = c.raise(disk)
    c.raise({ ...disk, subject: '/' })
    expect(c.markRead([a.id])).toMatchObject({ unread: 1 })
    expect(c.markRead()).toMatchObject({ unread: 0 })
    expect(of('alerts.summary').map((s) => s.unread)).toEqual([1, 2, 1, 0])
  })

  it('keeps news that is over as it happens (a job done) as a resolved, unread alert', () => {
    const { center: c } = center()
    const job = c.note({ rule: 'job.succeeded', severity: 'info', subject: 'install: Install x', title: 'Install x finished', message: 'Done.', target: { kind: 'job', jobId: 'j1' } }, 'Done.')
    expect(job).toMatchObject({ state: 'resolved', resolution: 'done', read: false })
    expect(of('alert.notify')).toMatchObject([{ kind: 'raised', silent: true }])
    expect(c.summary()).toEqual({ unread: 1, open: 0 })
  })

  it('dismisses on request, and after a restart lets go of reachability it can no longer vouch for', () => {
    const { center: c } = center()
    const a = c.raise(disk)
    c.raise({ rule: 'server.unreachable', severity: 'critical', serverId: 's1', subject: 'connection', title: 'nas is unreachable', message: '', target: { kind: 'server', serverId: 's1' } })
    expect(c.dismiss(a.id)).toMatchObject({ state: 'resolved', resolution: 'dismissed' })
    const again = center().center
    expect(again.openAlerts().map((x) => x.rule)).toEqual([])
    expect(new AlertsRepo(db).list({ state: 'resolved', limit: 5 }).map((x) => x.resolution).sort()).toEqual(['dismissed', 'expired'])
  })
})
