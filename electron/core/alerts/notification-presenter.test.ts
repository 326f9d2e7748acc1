import { describe, expect, it } from 'vitest'
import type { AlertDto, AlertPrefsDto } from '../../../shared/contract/index.js'
import { currentPrefs, decideNotification, doNotDisturb, isMuted, NOTIFY_BURST } from './notification-presenter.js'

const NOW = Date.parse('2026-05-01T12:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString()

const alert = (over: Partial<AlertDto> = {}): AlertDto => ({
  id: 'a1',
  rule: 'container.exited',
  severity: 'critical',
  serverId: 's1',
  app: 'nextcloud',
  subject: 'nextcloud-app-1',
  title: 'nextcloud (nextcloud-app-1) stopped on nas',
  message: 'nextcloud-app-1 exited with code 1.',
  target: { kind: 'app', serverId: 's1', app: 'nextcloud' },
  state: 'open',
  raisedAt: iso(NOW),
  updatedAt: iso(NOW),
  occurrences: 1,
  read: false,
  muted: false,
  ...over,
})

const none: AlertPrefsDto = { mutes: [] }
const ctx = (prefs: AlertPrefsDto = none, recent: number[] = []) => ({ prefs, now: NOW, recent })

describe('which alert becomes an OS notification', () => {
  it('shows a new alert with its words and its target', () => {
    expect(decideNotification(alert(), 'raised', ctx())).toEqual({
      show: true,
      notification: {
        alertId: 'a1',
        kind: 'raised',
        title: 'nextcloud (nextcloud-app-1) stopped on nas',
        body: 'nextcloud-app-1 exited with code 1.',
        severity: 'critical',
        silent: false,
        target: { kind: 'app', serverId: 's1', app: 'nextcloud' },
      },
    })
  })

  it('tells a recovery quietly, and nothing of a dismissal, a removal or finished work', () => {
    const recovered = decideNotification(alert({ state: 'resolved', resolution: 'recovered', resolvedMessage: 'Running again.' }), 'resolved', ctx())
    expect(recovered).toMatchObject({ show: true, notification: { kind: 'resolved', title: 'Resolved: nextcloud (nextcloud-app-1) stopped on nas', body: 'Running again.', silent: true, severity: 'info' } })
    for (const resolution of ['dismissed', 'gone', 'done', 'expired'] as const) {
      expect(decideNotification(alert({ state: 'resolved', resolution }), 'resolved', ctx())).toEqual({ show: false, reason: 'quiet' })
    }
  })

  it('keeps informational news silent', () => {
    expect(decideNotification(alert({ rule: 'job.succeeded', severity: 'info' }), 'raised', ctx())).toMatchObject({ show: true, notification: { silent: true } })
  })

  it('does not notify a condition back soon after clearing (flapping)', () => {
    expect(decideNotification(alert(), 'reopened', ctx())).toEqual({ show: false, reason: 'repeat' })
  })

  it('honours a mute of the server or of the app, until it runs out', () => {
    expect(decideNotification(alert(), 'raised', ctx({ mutes: [{ serverId: 's1' }] }))).toEqual({ show: false, reason: 'muted' })
    expect(decideNotification(alert(), 'raised', ctx({ mutes: [{ serverId: 's1', app: 'nextcloud' }] }))).toEqual({ show: false, reason: 'muted' })
    expect(decideNotification(alert(), 'raised', ctx({ mutes: [{ serverId: 's1', app: 'gitea' }] })).show).toBe(true)
    expect(decideNotification(alert(), 'raised', ctx({ mutes: [{ serverId: 's1', until: iso(NOW - 1) }] })).show).toBe(true)
    expect(decideNotification(alert({ muted: true }), 'raised', ctx())).toEqual({ show: false, reason: 'muted' })
  })

  it('stays silent during do-not-disturb, and speaks again once it is over', () => {
    expect(decideNotification(alert(), 'raised', ctx({ mutes: [], doNotDisturbUntil: iso(NOW + 60_000) }))).toEqual({ show: false, reason: 'do-not-disturb' })
    expect(decideNotification(alert(), 'raised', ctx({ mutes: [], doNotDisturbUntil: iso(NOW - 1) })).show).toBe(true)
  })

  it('holds back a burst beyond its limit (the rest waits in the notification centre)', () => {
    const recent = Array.from({ length: NOTIFY_BURST.count }, (_, i) => NOW - i * 1000)
    expect(decideNotification(alert(), 'raised', ctx(none, recent))).toEqual({ show: false, reason: 'rate-limited' })
    const old = recent.map((t) => t - NOTIFY_BURST.windowMs)
    expect(decideNotification(alert(), 'raised', ctx(none, old)).show).toBe(true)
  })

  it('drops mutes and do-not-disturb that ran out', () => {
    const prefs = { doNotDisturbUntil: iso(NOW - 5), mutes: [{ serverId: 's1', until: iso(NOW - 5) }, { serverId: 's2' }] }
    expect(currentPrefs(prefs, NOW)).toEqual({ mutes: [{ serverId: 's2' }] })
    expect(doNotDisturb(prefs, NOW)).toBe(false)
    expect(isMuted({ serverId: 's2', app: 'x' }, prefs, NOW)).toBe(true)
    expect(isMuted({}, prefs, NOW)).toBe(false)
  })
})
