import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { HostHistoryDto, HostSampleDto, ServerOverviewDto } from '../../../../shared/contract/index.js'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { useMonitorStore } from './store.js'

const bridge = useFakeBridge()

const tile = (serverId: string, over: Partial<ServerOverviewDto> = {}): ServerOverviewDto => ({
  serverId, name: serverId, state: 'ready', monitoring: 'sampling', apps: { running: 0, total: 0 }, containers: { running: 0, total: 0 }, alerts: { open: 0 }, ...over,
})

const sample = (serverId: string, cpu: number): HostSampleDto => ({
  serverId, time: 100, cpus: 2, uptimeSeconds: 5, temperatures: [],
  disks: [
    { mount: '/', source: 'a', fstype: 'ext4', totalBytes: 10, usedBytes: 5, availableBytes: 5, percent: 50 },
    { mount: '/data', source: 'b', fstype: 'ext4', totalBytes: 10, usedBytes: 9, availableBytes: 1, percent: 90 },
  ],
  values: { cpu, load1: 0, memUsed: 1, memTotal: 2, swapUsed: 0, diskPct: 90, diskUsed: 9, diskTotal: 10, diskRead: 0, diskWrite: 0, netRx: 0, netTx: 0, temp: null },
})

beforeEach(() => {
  bridge.answer('monitor.overview', [tile('s1'), tile('s2', { state: 'offline', monitoring: 'off' })])
})
afterEach(() => vi.useRealTimers())

describe('monitor store', () => {
  it('loads a tile per server and keeps each live from its samples', async () => {
    const store = useMonitorStore()
    await store.loadOverview()
    expect(store.overview.map((t) => t.serverId)).toEqual(['s1', 's2'])
    bridge.emit('monitor.sample', sample('s1', 42))
    expect(store.overview[0].latest?.values.cpu).toBe(42)
    expect(store.overview[0].fullestDisk?.mount).toBe('/data')
    expect(store.overview[1].latest).toBeUndefined()
    expect(store.samples.s1.values.cpu).toBe(42)
  })

  it('asks for the overview again once after a burst of state, alert and container events', async () => {
    vi.useFakeTimers()
    const store = useMonitorStore()
    await store.loadOverview()
    bridge.answer('monitor.overview', [tile('s1', { alerts: { open: 1, worst: 'critical' } })])
    bridge.emit('alerts.summary', { unread: 1, open: 1, worst: 'critical' })
    bridge.emit('server.state', { serverId: 's2', state: 'connecting' })
    bridge.emit('monitor.containers', { serverId: 's1', time: 1, containers: [] })
    await vi.advanceTimersByTimeAsync(1500)
    expect(bridge.calls.filter((c) => c.method === 'monitor.overview')).toHaveLength(2)
    expect(store.overview[0].alerts.worst).toBe('critical')
  })

  it('hands every sample to live charts until they stop listening, and asks history for the charted series', async () => {
    const store = useMonitorStore()
    const seen: number[] = []
    const stop = store.onSample((s) => seen.push(s.values.cpu!))
    bridge.emit('monitor.sample', sample('s1', 1))
    stop()
    bridge.emit('monitor.sample', sample('s1', 2))
    expect(seen).toEqual([1])
    bridge.answer('monitor.history', (input): HostHistoryDto => ({ serverId: input.serverId, range: input.range, from: 0, to: 1, resolution: 'raw', stepSeconds: 5, times: [], gaps: [], series: {} }))
    await store.history('s1', '7d')
    expect(bridge.calls.at(-1)?.input).toMatchObject({ serverId: 's1', range: '7d', series: expect.arrayContaining(['cpu', 'netRx', 'temp']) })
  })

  it('keeps the containers readings per server, from the latest and then from events', async () => {
    bridge.answer('monitor.latest', { containers: [{ container: 'web-1', app: 'web', state: 'running', cpuPercent: null, memoryBytes: 1, memoryLimitBytes: 0 }] })
    const store = useMonitorStore()
    await store.loadLatest('s1')
    expect(store.containers.s1.map((c) => c.container)).toEqual(['web-1'])
    bridge.emit('monitor.containers', { serverId: 's1', time: 2, containers: [] })
    expect(store.containers.s1).toEqual([])
  })

  it('keeps the overview error for the page, with its hint', async () => {
    bridge.fail('monitor.overview', { code: 'INTERNAL', message: 'The history database is locked.', hint: 'Close the other Homeport.' })
    const store = useMonitorStore()
    await store.loadOverview()
    expect(store.overviewState.error?.hint).toBe('Close the other Homeport.')
    expect(store.loaded).toBe(false)
  })

  it('reads and changes the monitoring settings, globally and for one server', async () => {
    const config = { enabled: true, intervalSeconds: 5, containerStatsSeconds: 30, unreachableGraceSeconds: 60, diskPercent: 90, memoryPercent: 95, temperatureCelsius: 85, servers: {} }
    bridge.answer('monitor.settings', config)
    bridge.answer('monitor.configure', (patch) => ({ ...config, ...patch }))
    bridge.answer('monitor.configureServer', ({ serverId, diskPercent }) => ({ ...config, servers: diskPercent ? { [serverId]: { diskPercent } } : {} }))
    const store = useMonitorStore()
    await store.loadConfig()
    expect(store.config?.intervalSeconds).toBe(5)
    await store.configure({ intervalSeconds: 2 })
    expect(store.config?.intervalSeconds).toBe(2)
    await store.configureServer({ serverId: 's1', diskPercent: 80 })
    expect(store.config?.servers.s1).toEqual({ diskPercent: 80 })
    await store.configureServer({ serverId: 's1', diskPercent: null })
    expect(bridge.calls.at(-1)).toEqual({ method: 'monitor.configureServer', input: { serverId: 's1', diskPercent: null } })
    expect(store.config?.servers.s1).toBeUndefined()
  })
})
