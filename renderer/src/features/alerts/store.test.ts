import { describe, expect, it, vi } from 'vitest'
import type { AlertDto } from '../../../../shared/contract/index.js'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { useAlertsStore } from './store.js'

const bridge = useFakeBridge()

const alert = (id: string, over: Partial<AlertDto> = {}): AlertDto => ({
  id, rule: 'container.exited', severity: 'warning', serverId: 's1', app: 'web', subject: `web-${id}`, title: `web stopped (${id})`, message: 'exited with code 137',
  target: { kind: 'app', serverId: 's1', app: 'web' }, state: 'open', raisedAt: `2026-05-01T12:00:0${id}Z`, updatedAt: `2026-05-01T12:00:0${id}Z`, occurrences: 1, read: false, muted: false, ...over,
})

function answerLoad(alerts: AlertDto[]): void {
  bridge.answer('alerts.list', alerts)
  bridge.answer('alerts.summary', { unread: alerts.filter((a) => !a.read).length, open: alerts.length })
  bridge.answer('alerts.prefs', { mutes: [] })
}

describe('alerts store', () => {
  it('loads the history, the unread count and the preferences', async () => {
    answerLoad([alert('2'), alert('1', { read: true })])
    const store = useAlertsStore()
    await store.load()
    expect(store.alerts.map((a) => a.id)).toEqual(['2', '1'])
    expect(store.unread).toBe(1)
    expect(bridge.calls.find((c) => c.method === 'alerts.list')?.input).toEqual({ limit: 100 })
  })

  it('puts a raised alert on top, replaces it when updated or resolved, and follows the core count', async () => {
    answerLoad([alert('1')])
    const store = useAlertsStore()
    await store.load()
    bridge.emit('alert.raised', alert('3'))
    bridge.emit('alerts.summary', { unread: 2, open: 2 })
    expect(store.alerts.map((a) => a.id)).toEqual(['3', '1'])
    expect(store.unread).toBe(2)
    bridge.emit('alert.resolved', alert('3', { state: 'resolved', resolution: 'recovered' }))
    expect(store.alerts.map((a) => `${a.id}:${a.state}`)).toEqual(['3:resolved', '1:open'])
  })

  it('marks one alert or all of them read, taking the count from the core', async () => {
    answerLoad([alert('2'), alert('1')])
    const store = useAlertsStore()
    await store.load()
    bridge.answer('alerts.markRead', { unread: 1, open: 2 })
    await store.markRead(['2'])
    expect(bridge.calls.at(-1)).toEqual({ method: 'alerts.markRead', input: { ids: ['2'] } })
    expect(store.alerts.map((a) => a.read)).toEqual([true, false])
    expect(store.unread).toBe(1)
    bridge.answer('alerts.markRead', { unread: 0, open: 2 })
    await store.markRead()
    expect(bridge.calls.at(-1)).toEqual({ method: 'alerts.markRead', input: {} })
    expect(store.alerts.every((a) => a.read)).toBe(true)
  })

  it('mutes an app or a server and turns do-not-disturb on and off through the core', async () => {
    const store = useAlertsStore()
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString()
    bridge.answer('alerts.mute', (input) => ({ mutes: [{ serverId: input.serverId, ...(input.app ? { app: input.app } : {}), ...(input.minutes ? { until: inAnHour } : {}) }] }))
    await store.mute('s1', 'web', 60)
    expect(bridge.calls.at(-1)).toEqual({ method: 'alerts.mute', input: { serverId: 's1', app: 'web', minutes: 60 } })
    expect(store.muteOf('s1', 'web')?.until).toBe(inAnHour)
    expect(store.muteOf('s1')).toBeUndefined()
    // A mute that ran out no longer counts, even before the core drops it.
    expect(store.muteOf('s1', 'web', Date.now() + 7_200_000)).toBeUndefined()

    bridge.answer('alerts.unmute', { mutes: [] })
    await store.unmute('s1', 'web')
    expect(store.muteOf('s1', 'web')).toBeUndefined()

    bridge.answer('alerts.doNotDisturb', (input) => (input.on ? { mutes: [], doNotDisturbUntil: '9999-12-31T23:59:59.999Z' } : { mutes: [] }))
    await store.doNotDisturb(true)
    expect(store.doNotDisturbOn()).toBe(true)
    await store.doNotDisturb(false, 30)
    expect(bridge.calls.at(-1)).toEqual({ method: 'alerts.doNotDisturb', input: { on: false } })
    expect(store.doNotDisturbOn()).toBe(false)
  })

  it('dismisses an open alert and loads again after the transport came back', async () => {
    answerLoad([alert('1')])
    const store = useAlertsStore()
    await store.load()
    bridge.answer('alerts.resolve', alert('1', { state: 'resolved', resolution: 'dismissed' }))
    await store.dismiss('1')
    expect(store.alerts[0].resolution).toBe('dismissed')
    bridge.reconnect()
    await vi.waitFor(() => expect(bridge.calls.filter((c) => c.method === 'alerts.list')).toHaveLength(2))
  })

  it('pages further back from the oldest alert shown while pages come back full', async () => {
    const page = Array.from({ length: 100 }, (_, i) => alert(String(i), { raisedAt: new Date(Date.parse('2026-05-01T12:00:00Z') - i * 1000).toISOString() }))
    answerLoad(page)
    const store = useAlertsStore()
    await store.load()
    expect(store.more).toBe(true)
    bridge.answer('alerts.list', [alert('older', { raisedAt: '2026-04-01T00:00:00Z' })])
    await store.loadOlder()
    expect(bridge.calls.at(-1)).toEqual({ method: 'alerts.list', input: { limit: 100, before: page[99].raisedAt } })
    expect(store.alerts).toHaveLength(101)
    expect(store.alerts.at(-1)?.id).toBe('older')
    expect(store.more).toBe(false)
  })
})
