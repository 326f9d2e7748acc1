// What an install and an update cost in round trips, counted by the connection layer against the real sshd
// and Docker engine. Counts do not depend on timing, so each is asserted as a number: a change that adds an
// exchange fails here. Overlap is seen through the recorder too (requests awaiting their answers at once),
// never through the clock.
//   independent services       created, and started, together: two creates awaiting their answers at once
//   the journal                one write per wave of work, through the lock's channel (no SFTP rename); an
//                              install that moved nothing aside commits by removing it, one request there too
//   the lock                   Docker's channels for planning open while it is taken; it is let go without
//                              waiting for its channel's close
//   waiting                    a dependency started by the run is not inspected for service_started; a
//                              container proving itself is watched through events, not polled
//   the app page               one command for the folders and their metadata beside the containers' list

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countRoundTrips } from '../../../electron/core/runtime/index.js'
import { docker, removeTestContainers, useHomeServer } from '../../homeserver/helpers.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'

const hs = useHomeServer()
const SERVER = 'hp-install-rt'
const APP = 'hp-install-rt'
const busybox = () => hs.images.find((i) => i.endsWith('/homeport/busybox:1')) as string

/** a and b depend on nothing; c waits for a. */
function threeServices(greeting: string): string {
  const svc = (name: string, extra = '') => `  ${name}:\n    image: ${busybox()}\n    command: ["sh", "-c", "echo ${greeting}; exec sleep 3600"]\n    stop_grace_period: 1s\n${extra}`
  return `services:\n${svc('a')}${svc('b')}${svc('c', '    depends_on: [a]\n')}`
}

const running = async (name: string) => (await docker(['inspect', '-f', '{{.State.Status}}', name]).catch(() => '')).trim()

describe('round trips of an install and an update', () => {
  let t: TestCore

  beforeAll(async () => {
    await removeTestContainers(APP)
    t = await openTestCore()
    await t.call('servers.add', homeServerInput(hs, SERVER))
    // Connected, Docker found and the apps' first call done: what follows is the install alone.
    await t.call('apps.list', { serverId: SERVER })
  })

  afterAll(async () => {
    await t?.call('apps.remove', { serverId: SERVER, app: APP, volumes: true, confirm: APP }).catch(() => undefined)
    await t?.close()
    await removeTestContainers(APP)
  })

  it('installs three services, the two independent ones together, in a fixed number of round trips', async () => {
    const { value: job, tally } = await countRoundTrips(async () => {
      const { jobId } = await t.call('apps.install', { serverId: SERVER, source: { compose: threeServices('first') }, name: APP, values: {} })
      return t.finishedJob(jobId)
    })
    expect(job.state, JSON.stringify(job)).toBe('succeeded')
    expect(job.result).toMatchObject({ status: 'installed', containers: [`${APP}-a-1`, `${APP}-b-1`, `${APP}-c-1`] })
    for (const s of ['a', 'b', 'c']) expect(await running(`${APP}-${s}-1`)).toBe('running')

    // All three created together (c needs a only started); a and b started together, c only after a.
    expect(tally.peakInFlight.get('docker POST /containers/create')).toBe(3)
    expect(tally.peakInFlight.get('docker POST /containers/:id/start')).toBe(2)
    expect(tally.where.get('docker POST /containers/create')).toBe(3)
    // c waits for a's start, which the run saw succeed: no inspect for service_started.
    expect(tally.where.get('docker GET /containers/:id/json')).toBeUndefined()
    // The journal: [the run, the network, a, b and c], then its removal, which commits the install (nothing was
    // moved aside, so there is nothing a "committed" journal would have to finish) — a request each on the lock's channel.
    expect(tally.where.get('exec app lock: journal write')).toBe(1)
    expect(tally.where.get('exec app lock: journal removal')).toBe(1)
    // Over SFTP: the folder the lock made holds nothing, so nothing in it is read (no installed app, earlier
    // journal, kept .env or files before); the two files written side by side (open, write, close, rename).
    expect(tally.where.get('sftp stat')).toBeUndefined()
    expect(tally.where.get('sftp open')).toBe(2)
    for (const op of ['write', 'close', 'ext_openssh_rename']) expect(tally.where.get(`sftp ${op}`), op).toBe(2)
    expect(tally.where.get('sftp unlink')).toBeUndefined()
    // One lock command, and no other command at all (the folder is made by the lock, files go over SFTP).
    expect(tally.where.get(`exec homeport-app-lock:${APP}`)).toBe(1)
    expect(tally.byKind.exec).toBe(1 + 2)
    // Docker's channels for planning were opened while the lock was being taken, not when planning asked.
    expect([...(tally.sentDuring.get(`channel stream-local ${hs.dockerSocket}`) ?? [])]).toContain(`exec homeport-app-lock:${APP}`)
    // Docker: the project's containers (is the name taken; the ports other containers publish and the plan's
    // own list, together), networks, volumes, the image, then the network and the three containers created and
    // started. Planning starts while the name check is under way; whether that answer is back by then depends
    // on the link (on loopback it often is), so only the two that always go out together are asserted.
    expect(tally.byKind.docker).toBe(3 + 1 + 1 + 1 + 1 + 3 + 3)
    expect(tally.peakInFlight.get('docker GET /containers/json')).toBeGreaterThanOrEqual(2)
    // The SFTP channel opens (its subsystem and version exchange: 2) while the lock is taken — unless it is open
    // already: the first apps call reads the journal of any app being installed at that moment (another test
    // file's, beside this one), which opens it before the count starts.
    const sftpOpen = tally.where.get('sftp subsystem + version') ?? 0
    expect([0, 2]).toContain(sftpOpen)
    expect(tally.byKind.sftp).toBe(sftpOpen + 2 + 6)
    // Channels: the SFTP one, the lock's session, and Docker's beyond those the first call left open. How many
    // of Docker's keep-alive channels are still free when the planner's reads go out together depends on the
    // machine's pace (a busy one opens more), so this is a bound: one per Docker request the run sends at once
    // (the port check beside the planner's six reads is the widest).
    expect(tally.byKind.channel).toBeLessThanOrEqual(2 + 7)
    expect(tally.total).toBeLessThanOrEqual(3 + 10 + 13 + 9)
  })

  it('lists the apps (the app page) in three round trips: one command beside the containers\' list, then the start times together', async () => {
    const { value: apps, tally } = await countRoundTrips(() => t.call('apps.list', { serverId: SERVER }))
    const app = apps.find((a) => a.name === APP)
    expect(app).toMatchObject({ state: 'running', managed: true })
    expect(app?.services.every((s) => s.startedAt)).toBe(true)
    // The folders and their metadata: one command (a session channel and the exec), no SFTP read per app.
    expect(tally.byKind.exec).toBe(1)
    expect(tally.byKind.sftp).toBe(0)
    expect(tally.where.get('docker GET /containers/json')).toBe(1)
    // When each running container started: every inspect out at once, so one round trip for all.
    const running = apps.reduce((n, a) => n + a.services.filter((s) => s.state === 'running').length, 0)
    expect(tally.where.get('docker GET /containers/:id/json')).toBe(running)
    expect(tally.peakInFlight.get('docker GET /containers/:id/json')).toBe(running)
  })

  it('updates with one service changed: recreated, and watched through events while it settles, not polled', async () => {
    const { value: job, tally } = await countRoundTrips(async () => {
      const { jobId } = await t.call('apps.update', { serverId: SERVER, app: APP, compose: threeServices('first').replace('  b:\n    image', '  b:\n    environment: { CHANGED: "yes" }\n    image') })
      return t.finishedJob(jobId)
    })
    expect(job.state, JSON.stringify(job)).toBe('succeeded')
    expect(job.result).toMatchObject({ status: 'updated', recreated: [`${APP}-b-1`] })
    expect((await docker(['inspect', '-f', '{{range .Config.Env}}{{println .}}{{end}}', `${APP}-b-1`])).split('\n')).toContain('CHANGED=yes')
    expect(await running(`${APP}-b-1`)).toBe('running')
    // 3 s of settling, polled every 250 ms, took a dozen inspects; an events stream takes one request.
    expect(tally.where.get('docker GET /events')).toBe(1)
    expect(tally.where.get('docker GET /containers/:id/json') ?? 0).toBeLessThanOrEqual(4)
    // [the run and b's stop, move aside and create], [committed]; then, the old b removed, the journal's removal.
    expect(tally.where.get('exec app lock: journal write')).toBe(2)
    expect(tally.where.get('exec app lock: journal removal')).toBe(1)
    expect(tally.where.get('sftp unlink')).toBeUndefined()
    expect(tally.where.get('docker POST /containers/create')).toBe(1)
  })
})
