// Container alerts from real Docker events on the test home server: an app's container killed on the server
// gives one alert naming the app; Homeport's own stop and a `docker stop` on the server give none; a crash
// loop gives one alert however many restarts; removing the app lets the alerts go.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AlertDto } from '../../../shared/contract/index.js'
import { docker as dockerRaw, useHomeServer } from '../../homeserver/helpers.js'
import type { TestCore } from '../core/test-core.js'
import { monitoredCore, raisedAbout, resolvedAbout, SERVER, sleep, waitFor } from './monitored-core.js'

const hs = useHomeServer()
const APP = 'hp-monitored'
const VICTIM = `${APP}-victim-1`
const LOOPER = `${APP}-looper-1`
const docker = async (args: string[]) => (await dockerRaw(args)).trim()

// The looper runs until a file appears in its volume, then fails at every start: a crash loop on demand.
const COMPOSE = `
services:
  victim:
    image: docker.io/homeport/busybox:1
    command: ["sleep", "3600"]
    restart: unless-stopped
    stop_grace_period: 1s
  looper:
    image: docker.io/homeport/busybox:1
    command: ["sh", "-c", "while [ ! -f /data/crash ]; do sleep 0.2; done; exit 3"]
    restart: always
    volumes:
      - data:/data
    stop_grace_period: 1s
volumes:
  data:
`

const containerAlerts = (t: TestCore) => t.of('alert.raised').filter((a) => a.rule.startsWith('container.') && a.app === APP)

describe('container alerts', () => {
  let t: TestCore
  let serverId: string

  beforeAll(async () => {
    await docker(['rm', '-f', VICTIM, LOOPER]).catch(() => '')
    t = await monitoredCore(hs, { intervalSeconds: 2, containerStatsSeconds: 5 })
    serverId = (await t.call('servers.get', { id: SERVER })).id
    await t.call('apps.setMirror', { serverId: SERVER, mirror: hs.registry })
    await t.call('servers.connect', { id: SERVER })
    const { jobId } = await t.call('apps.install', { serverId: SERVER, source: { compose: COMPOSE }, name: APP, values: {} })
    const job = await t.finishedJob(jobId)
    expect(job.error).toBeUndefined()
    // The install itself is news: a finished job, kept as an alert already resolved.
    expect(t.of('alert.raised').filter((a) => a.rule === 'job.succeeded' && a.target.kind === 'job' && a.target.jobId === jobId)).toHaveLength(1)
  })

  afterAll(async () => {
    await t?.call('apps.remove', { serverId: SERVER, app: APP, volumes: true, confirm: APP }).catch(() => {})
    await t?.close()
  })

  it('reads per-container CPU and memory, live and in the history', async () => {
    const reading = await waitFor('a second stats round (CPU needs two readings)', () =>
      t.of('monitor.containers').flatMap((e) => e.containers).find((c) => c.container === VICTIM && c.cpuPercent !== null),
    )
    expect(reading).toMatchObject({ app: APP, service: 'victim', state: 'running' })
    expect(reading.memoryBytes).toBeGreaterThan(0)
    // The host's own sample comes from the agent, on its own clock: it may follow the containers' readings.
    const latest = await waitFor('a host sample', async () => {
      const answer = await t.call('monitor.latest', { serverId: SERVER })
      return answer.host ? answer : undefined
    })
    expect(latest.host?.values.memTotal).toBeGreaterThan(0)
    expect(latest.containers.map((c) => c.container)).toEqual(expect.arrayContaining([VICTIM, LOOPER]))
    const history = await t.call('monitor.containerHistory', { serverId: SERVER, range: '1h', container: VICTIM })
    expect(history.containers).toHaveLength(1)
    expect(history.containers[0]).toMatchObject({ container: VICTIM, app: APP })
    expect(history.containers[0].memory.avg.filter((v) => v !== null).length).toBeGreaterThan(0)
  })

  it('raises one alert when an app container is killed on the server, aimed at the app', async () => {
    await docker(['kill', VICTIM])
    const [alert] = await waitFor('the alert for the killed container', () => raisedAbout(t, VICTIM).length > 0 && raisedAbout(t, VICTIM))
    await sleep(3000)
    expect(raisedAbout(t, VICTIM)).toHaveLength(1)
    expect(t.of('alert.updated').filter((a) => a.id === alert.id)).toHaveLength(0)
    expect(alert).toMatchObject({
      rule: 'container.exited',
      severity: 'critical',
      serverId,
      app: APP,
      subject: VICTIM,
      title: `${APP} (${VICTIM}) stopped on ${SERVER}`,
      target: { kind: 'app', serverId, app: APP },
      state: 'open',
      occurrences: 1,
      read: false,
    })
    expect(alert.message).toContain('exit code 137')
    expect(t.of('alert.notify').filter((n) => n.alertId === alert.id)).toMatchObject([{ kind: 'raised', title: alert.title, silent: false }])
    expect(await t.call('alerts.list', { serverId: SERVER, state: 'open' })).toContainEqual(expect.objectContaining({ id: alert.id }))
    const tray = await t.call('alerts.tray', {})
    // Other containers on the same engine may have alerts of their own ("… and 1 more").
    expect(tray.level).toBe('critical')
    expect(tray.tooltip.startsWith(`Homeport — ${alert.title}`)).toBe(true)
    expect(tray.servers[0].apps).toContainEqual({ name: APP, running: true })
  })

  it('resolves it when the app runs again; stops by Homeport and by docker stop on the server raise nothing', async () => {
    const [alert] = raisedAbout(t, VICTIM)
    await t.call('apps.start', { serverId: SERVER, app: APP })
    const resolved = await waitFor('the recovery', () => resolvedAbout(t, VICTIM).find((a) => a.id === alert.id))
    expect(resolved).toMatchObject({ state: 'resolved', resolution: 'recovered' })
    expect(t.of('alert.notify').filter((n) => n.alertId === alert.id).map((n) => n.kind)).toEqual(['raised', 'resolved'])

    await t.call('apps.stop', { serverId: SERVER, app: APP })
    await t.call('apps.start', { serverId: SERVER, app: APP })
    await docker(['stop', '-t', '1', VICTIM])
    await waitFor('the stop to be seen', async () => (await docker(['inspect', '-f', '{{.State.Status}}', VICTIM])) === 'exited')
    await sleep(4000)
    expect(containerAlerts(t).map((a) => a.subject)).toEqual([VICTIM])
    await docker(['start', VICTIM])
  })

  it('raises one alert for a restart loop, not one per restart', async () => {
    await docker(['exec', LOOPER, 'touch', '/data/crash'])
    const [loop] = await waitFor('the restart-loop alert', () => raisedAbout(t, LOOPER).length > 0 && raisedAbout(t, LOOPER))
    // Let Docker restart it a few more times.
    await waitFor('more restarts', async () => Number(await docker(['inspect', '-f', '{{.RestartCount}}', LOOPER])) >= 6, 45_000)
    await sleep(2000)
    expect(raisedAbout(t, LOOPER)).toHaveLength(1)
    expect(loop).toMatchObject({ rule: 'container.restart-loop', severity: 'critical', app: APP, target: { kind: 'app', serverId, app: APP } })
    expect(loop.message).toMatch(/exited \d+ times in 5 minutes \(last exit code 3\)/)
    const now = await t.call('alerts.get', { id: loop.id })
    expect(now.state).toBe('open')
    expect(now.occurrences).toBeGreaterThan(1)
    expect(t.of('alert.notify').filter((n) => n.alertId === loop.id)).toHaveLength(1)
    expect(containerAlerts(t).map((a) => `${a.rule} ${a.subject}`)).toEqual([`container.exited ${VICTIM}`, `container.restart-loop ${LOOPER}`])
  })

  it('lets the alerts go when the app is removed, without raising any', async () => {
    const before = containerAlerts(t).length
    await t.call('apps.remove', { serverId: SERVER, app: APP, volumes: true, confirm: APP })
    const gone = await waitFor('the loop alert to resolve', () => resolvedAbout(t, LOOPER, 'container.restart-loop')[0])
    expect(gone).toMatchObject({ resolution: 'gone' })
    await sleep(2000)
    expect(containerAlerts(t)).toHaveLength(before)
    const open: AlertDto[] = await t.call('alerts.list', { serverId: SERVER, state: 'open' })
    expect(open.filter((a) => a.app === APP)).toEqual([])
  })
})
