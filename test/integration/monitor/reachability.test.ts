// Server reachability, for real: the test server's sshd stopped → after the grace period (a setting, a few
// seconds here) one "unreachable" alert; sshd back → the connection returns by itself, the alert resolves as
// recovered and sampling resumes. The chart of the last hour shows the outage as a gap, not as invented points.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useHomeServer } from '../../homeserver/helpers.js'
import { startSshdWithConfig, stopSshd } from '../../homeserver/sshd.js'
import type { TestCore } from '../core/test-core.js'
import { monitoredCore, raisedAbout, resolvedAbout, SERVER, sleep, waitFor } from './monitored-core.js'

const hs = useHomeServer()
const startSshd = () => startSshdWithConfig({ configPath: hs.sshdConfigPath, pidFile: hs.sshdPidFile, logPath: hs.sshdLog }, hs.sshPort)

describe('server reachability', () => {
  let t: TestCore
  let serverId: string
  let sshdDown = false

  beforeAll(async () => {
    t = await monitoredCore(hs, { intervalSeconds: 1, unreachableGraceSeconds: 3 })
    serverId = (await t.call('servers.get', { id: SERVER })).id
    await t.call('servers.connect', { id: SERVER })
    await waitFor('samples', () => t.of('monitor.sample').length >= 3, 30_000)
  })

  afterAll(async () => {
    if (sshdDown) await startSshd()
    await t?.close()
  })

  it('raises one alert once the server has stayed away past the grace period, then resolves it when it is back', async () => {
    const stoppedAt = Math.floor(Date.now() / 1000)
    await stopSshd(hs.sshdPidFile)
    sshdDown = true
    const [alert] = await waitFor('the unreachable alert', () => raisedAbout(t, 'connection', 'server.unreachable').length > 0 && raisedAbout(t, 'connection', 'server.unreachable'))
    expect(alert).toMatchObject({ rule: 'server.unreachable', severity: 'critical', serverId, target: { kind: 'server', serverId }, title: `${SERVER} is unreachable`, state: 'open' })
    expect(alert.message).toMatch(/^No connection to home for \d+ s\./)
    expect(t.of('server.state').some((s) => s.serverId === serverId && s.state === 'reconnecting')).toBe(true)
    expect(await t.call('alerts.tray', {})).toMatchObject({ level: 'critical', servers: [{ id: serverId, level: 'critical', label: `${SERVER} — ${SERVER} is unreachable` }] })
    await sleep(3000)
    expect(raisedAbout(t, 'connection')).toHaveLength(1)

    const samplesBefore = t.of('monitor.sample').length
    await startSshd()
    sshdDown = false
    const resolved = await waitFor('the recovery', () => resolvedAbout(t, 'connection')[0], 60_000)
    expect(resolved).toMatchObject({ id: alert.id, resolution: 'recovered' })
    expect(resolved.resolvedMessage).toMatch(new RegExp(`^${SERVER} is connected again after \\d+ s\\.$`))
    expect(t.of('alert.notify').filter((n) => n.alertId === alert.id).map((n) => n.kind)).toEqual(['raised', 'resolved'])
    await waitFor('sampling to resume', () => t.of('monitor.sample').length > samplesBefore + 2, 30_000)
    expect(raisedAbout(t, 'connection')).toHaveLength(1)

    // The outage is a gap in the last hour's chart; the samples on both sides are real.
    const backAt = t.of('monitor.sample').at(-1)!.time
    const history = await t.call('monitor.history', { serverId: SERVER, range: '1h', series: ['cpu', 'memUsed'] })
    const outage = history.gaps.find(([a, b]) => a <= stoppedAt + 1 && b >= stoppedAt + 5)
    expect(outage, JSON.stringify(history.gaps)).toBeDefined()
    expect(outage![1]).toBeLessThanOrEqual(backAt)
    const inside = history.times.filter((time, i) => time > outage![0] && time < outage![1] && history.series.cpu!.avg[i] !== null)
    expect(inside).toEqual([])
    expect(history.series.memUsed!.avg.filter((v) => v !== null).length).toBeGreaterThan(5)
  }, 120_000)

  it('lets the server go quietly when it is disconnected on purpose', async () => {
    await t.call('servers.disconnect', { id: SERVER })
    const tile = (await t.call('monitor.overview', {})).find((o) => o.serverId === serverId)!
    expect(tile).toMatchObject({ state: 'offline', monitoring: 'off' })
    await sleep(4000)
    expect(raisedAbout(t, 'connection')).toHaveLength(1)
    expect(await t.call('alerts.tray', {})).toMatchObject({ level: 'idle', servers: [{ connection: 'connect', label: `${SERVER} — not connected` }] })
  })
})
