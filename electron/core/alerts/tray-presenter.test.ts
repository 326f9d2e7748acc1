import { describe, expect, it } from 'vitest'
import type { AlertDto } from '../../../shared/contract/index.js'
import { trayState, type TrayServerInput } from './tray-presenter.js'

const NOW = Date.parse('2026-05-01T12:00:00Z')
const server = (id: string, state: TrayServerInput['state'], apps: TrayServerInput['apps'] = []): TrayServerInput => ({ id, name: id, state, apps })
const alert = (over: Partial<AlertDto>): AlertDto => ({
  id: over.subject ?? 'a',
  rule: 'disk.full',
  severity: 'warning',
  serverId: 'nas',
  subject: '/',
  title: 'nas: disk / is 93 % full',
  message: '',
  target: { kind: 'server', serverId: 'nas' },
  state: 'open',
  raisedAt: '2026-05-01T11:00:00.000Z',
  updatedAt: '2026-05-01T11:00:00.000Z',
  occurrences: 1,
  read: false,
  muted: false,
  ...over,
})

describe('the tray', () => {
  it('is idle with no server connected, and says so', () => {
    expect(trayState([], [], { mutes: [] }, 0, NOW)).toMatchObject({ level: 'idle', tooltip: 'Homeport — no servers yet' })
    const t = trayState([server('nas', 'offline')], [], { mutes: [] }, 0, NOW)
    expect(t).toMatchObject({ level: 'idle', tooltip: 'Homeport — no server connected' })
    expect(t.servers[0]).toMatchObject({ label: 'nas — not connected', connection: 'connect', level: 'idle' })
  })

  it('is fine when every connected server is', () => {
    const t = trayState([server('nas', 'ready', [{ name: 'b', running: true }, { name: 'a', running: false }]), server('pi', 'ready')], [], { mutes: [] }, 2, NOW)
    expect(t).toMatchObject({ level: 'ok', tooltip: 'Homeport — 2 servers fine', unread: 2, doNotDisturb: false })
    expect(t.servers[0]).toMatchObject({ label: 'nas — connected', connection: 'disconnect', apps: [{ name: 'a', running: false }, { name: 'b', running: true }] })
  })

  it('shows the worst open alert across servers, on the icon, the tooltip and its server line', () => {
    const alerts = [
      alert({ subject: '/' }),
      alert({ subject: 'connection', rule: 'server.unreachable', severity: 'critical', serverId: 'pi', title: 'pi is unreachable', target: { kind: 'server', serverId: 'pi' } }),
      alert({ subject: '/data', title: 'nas: disk /data is 95 % full', raisedAt: '2026-05-01T11:30:00.000Z' }),
    ]
    const t = trayState([server('nas', 'ready'), server('pi', 'reconnecting')], alerts, { mutes: [] }, 3, NOW)
    expect(t.level).toBe('critical')
    expect(t.tooltip).toBe('Homeport — pi is unreachable and 2 more')
    expect(t.servers.map((s) => [s.level, s.label, s.openAlerts])).toEqual([
      ['warning', 'nas — nas: disk /data is 95 % full (+1 more)', 2],
      ['critical', 'pi — pi is unreachable', 1],
    ])
  })

  it('lets a muted server or app alone, and marks do-not-disturb', () => {
    const t = trayState([server('nas', 'ready')], [alert({})], { mutes: [{ serverId: 'nas' }], doNotDisturbUntil: '2026-05-01T13:00:00.000Z' }, 0, NOW)
    expect(t).toMatchObject({ level: 'ok', doNotDisturb: true, tooltip: 'Homeport — 1 server fine (do not disturb)' })
    expect(trayState([server('nas', 'ready')], [alert({ muted: true })], { mutes: [] }, 0, NOW).level).toBe('ok')
  })

  it('counts an alert of no listed server (a job run without one) for the icon', () => {
    const job = alert({ rule: 'job.failed', serverId: undefined, subject: 'install: x', title: 'Install x failed', target: { kind: 'job', jobId: 'j' } })
    expect(trayState([server('nas', 'ready')], [job], { mutes: [] }, 1, NOW)).toMatchObject({ level: 'warning', tooltip: 'Homeport — Install x failed' })
  })

  it('shows a reconnecting server as news, not yet as trouble', () => {
    const t = trayState([server('nas', 'reconnecting')], [], { mutes: [] }, 0, NOW)
    expect(t.servers[0]).toMatchObject({ level: 'info', label: 'nas — reconnecting…', connection: 'disconnect' })
    expect(t.level).toBe('info')
  })
})
