// An install that is the first apps call on its connection, as every `homeport apps install` is: the app's lock
// and the server's facts come back from one command, Docker's channels open while it runs, and the journal's
// removal is the commit. Counted by the connection layer against the real sshd and Docker engine; overlap is
// seen through the recorder (what was awaiting its answer when a request went out), never through the clock.
// A laptop that crashed mid-install leaves its journal: the next one's install of that app, again the first
// call on its connection, has the interrupted run rolled back first, then installs.

import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countRoundTrips } from '../../../electron/core/runtime/index.js'
import { docker, removeTestContainers, useHomeServer } from '../../homeserver/helpers.js'
import { addHomeServer, cliSandbox, type CliSandbox } from '../cli/run-cli.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'

const hs = useHomeServer()
const APP = 'hp-first-call'
const CRASHED = 'hp-first-call-crashed'
const CRASHED_LATER = 'hp-first-call-crashed-later'
const CRASHED_FAILING = 'hp-first-call-crashed-failing'
const launcher = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/homeport.js')
const busybox = () => hs.images.find((i) => i.endsWith('/homeport/busybox:1')) as string
const folder = (app: string) => `/home/${hs.user}/.local/share/homeport/apps/${app}`
const journalOf = (app: string) => path.join(folder(app), '.homeport-run.json')

/** web waits for db, which turns healthy `readyAfter` seconds after it starts. */
function twoServices(readyAfter: number): string {
  return `services:
  db:
    image: ${busybox()}
    command: ["sh", "-c", "sleep ${readyAfter}; touch /tmp/ready; exec sleep 3600"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      retries: 60
    stop_grace_period: 1s
  web:
    image: ${busybox()}
    command: ["sleep", "3600"]
    depends_on:
      db:
        condition: service_healthy
    stop_grace_period: 1s
`
}

/** The project's containers as `name state`, sorted. */
async function containers(app: string): Promise<string[]> {
  const out = await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${app}`, '--format', '{{.Names}} {{.State}}'])
  return out.split('\n').filter(Boolean).sort()
}

/** Installed from `twoServices(1)` by one run: each service once and running, the file in place, no journal left. */
async function expectInstalledOnce(app: string, job: { state: string }): Promise<void> {
  expect(job.state, JSON.stringify(job)).toBe('succeeded')
  expect(await containers(app)).toEqual([`${app}-db-1 running`, `${app}-web-1 running`])
  expect(fs.existsSync(journalOf(app))).toBe(false)
  expect(fs.readFileSync(path.join(folder(app), 'compose.yml'), 'utf8')).toBe(twoServices(1))
  const runs = (await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${app}`, '--format', '{{.Label "io.homeport.run"}}'])).split('\n').filter(Boolean)
  expect(new Set(runs).size).toBe(1)
}

/** The keys of requests that went out while the app lock's command was awaiting its answer. */
function sentDuringLock(tally: { sentDuring: Map<string, Set<string>> }): string[] {
  return [...tally.sentDuring.entries()].filter(([, during]) => during.has(`exec homeport-app-lock:${APP}`)).map(([key]) => key)
}

describe('an install as the first apps call on a connection', () => {
  const cores: TestCore[] = []
  let cli: CliSandbox | undefined

  const freshCore = async (server: string) => {
    const t = await openTestCore()
    cores.push(t)
    await t.call('servers.add', homeServerInput(hs, server))
    // Docker's socket found, as for any later command: what follows is the apps domain's first call.
    await t.call('docker.containers', { serverId: server, all: true })
    return t
  }

  /** A CLI install of `app` killed outright once its journal is on the server: db is created, web waits for db's health. */
  const crashMidInstall = async (app: string) => {
    if (!cli) {
      cli = cliSandbox()
      await addHomeServer(cli, hs, 'crashing')
    }
    const composeFile = path.join(cli.home, 'compose.yml')
    fs.writeFileSync(composeFile, twoServices(30))
    const child = spawn(process.execPath, [launcher, 'apps', 'install', 'crashing', '--file', composeFile, '--name', app], { env: cli.env, stdio: 'ignore' })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    try {
      await expect.poll(() => fs.existsSync(journalOf(app)) && child.exitCode === null, { timeout: 60_000, interval: 50 }).toBe(true)
    } finally {
      child.kill('SIGKILL')
      await exited
    }
    expect(JSON.parse(fs.readFileSync(journalOf(app), 'utf8'))).toMatchObject({ app, state: 'applying' })
    // The server lets go of the dead laptop's lock once it sees its connection gone.
    await expect.poll(() => spawnSync('flock', ['-n', path.join(folder(app), '.homeport-lock'), 'true']).status, { timeout: 30_000 }).toBe(0)
  }

  beforeAll(async () => {
    for (const app of [APP, CRASHED, CRASHED_LATER, CRASHED_FAILING]) {
      await removeTestContainers(app)
      fs.rmSync(folder(app), { recursive: true, force: true })
    }
  })

  afterAll(async () => {
    for (const t of cores) await t.close().catch(() => undefined)
    cli?.dispose()
    for (const app of [APP, CRASHED, CRASHED_LATER, CRASHED_FAILING]) {
      await removeTestContainers(app)
      fs.rmSync(folder(app), { recursive: true, force: true })
    }
  })

  it('reads the server facts with the lock, opens Docker\'s channels meanwhile, and commits by removing the journal', async () => {
    const t = await freshCore('hp-first-call')
    const { value: job, tally } = await countRoundTrips(async () => {
      const { jobId } = await t.call('apps.install', { serverId: 'hp-first-call', source: { compose: twoServices(1) }, name: APP, values: {} })
      return t.finishedJob(jobId)
    })
    await expectInstalledOnce(APP, job)

    // No command of its own for the facts: the lock's command, which carries the journal too, read them. (Only
    // this app's lock is counted exactly: the runs of other apps under way on the server now — other test
    // files' — are looked at once the facts are in, each with a lock of its own.)
    expect(tally.where.get('exec homeport-app-facts')).toBeUndefined()
    expect(tally.where.get(`exec homeport-app-lock:${APP}`)).toBe(1)
    // [the run, the network and db], [web, once db is healthy], then the removal that commits the install
    // (nothing was moved aside): no "committed" write.
    expect(tally.where.get('exec app lock: journal write')).toBe(2)
    expect(tally.where.get('exec app lock: journal removal')).toBe(1)
    expect(tally.where.get('sftp unlink')).toBeUndefined()
    // Docker's channels went out while the lock's command ran, not after it, when planning asks for them.
    expect(sentDuringLock(tally)).toContain(`channel stream-local ${hs.dockerSocket}`)
  })

  it('updates as the first apps call on another connection with the facts read by the lock too', async () => {
    const t = await freshCore('hp-first-call-update')
    const changed = twoServices(1).replace('    command: ["sleep", "3600"]', '    command: ["sleep", "3600"]\n    environment: { CHANGED: "yes" }')
    const { value: job, tally } = await countRoundTrips(async () => {
      const { jobId } = await t.call('apps.update', { serverId: 'hp-first-call-update', app: APP, compose: changed })
      return t.finishedJob(jobId)
    })
    expect(job.state, JSON.stringify(job)).toBe('succeeded')
    expect(job.result).toMatchObject({ status: 'updated', recreated: [`${APP}-web-1`] })
    expect((await docker(['inspect', '-f', '{{range .Config.Env}}{{println .}}{{end}}', `${APP}-web-1`])).split('\n')).toContain('CHANGED=yes')
    expect(await containers(APP)).toEqual([`${APP}-db-1 running`, `${APP}-web-1 running`])
    expect(fs.existsSync(journalOf(APP))).toBe(false)
    expect(tally.where.get('exec homeport-app-facts')).toBeUndefined()
    // The old web was moved aside, so the run is written "committed" before the old one goes; then the journal
    // is removed, through the lock's channel too.
    expect(tally.where.get('exec app lock: journal write')).toBeGreaterThanOrEqual(2)
    expect(tally.where.get('exec app lock: journal removal')).toBe(1)
    expect(tally.where.get('sftp unlink')).toBeUndefined()
  })

  it('after a crash mid-install, the next laptop\'s install of that app has the interrupted run rolled back first, then installs', async () => {
    await crashMidInstall(CRASHED)

    const t = await freshCore('hp-first-call-next')
    const { value: job, tally } = await countRoundTrips(async () => {
      const { jobId } = await t.call('apps.install', { serverId: 'hp-first-call-next', source: { compose: twoServices(1) }, name: CRASHED, values: {} })
      return t.finishedJob(jobId)
    })
    // Each service once, running: what the crashed run created was removed before this one created its own.
    await expectInstalledOnce(CRASHED, job)
    // The facts still came with the lock: no command of their own.
    expect(tally.where.get('exec homeport-app-facts')).toBeUndefined()
  })

  it('on a connection that has finished the interrupted runs already, one interrupted since is rolled back under the install\'s own lock, which keeps its folder', async () => {
    const t = await freshCore('hp-later-call')
    // The first apps call on this connection: the interrupted runs are looked for now, before the crash.
    await t.call('apps.list', { serverId: 'hp-later-call' })
    await crashMidInstall(CRASHED_LATER)
    const { jobId } = await t.call('apps.install', { serverId: 'hp-later-call', source: { compose: twoServices(1) }, name: CRASHED_LATER, values: {} })
    const job = await t.finishedJob(jobId)
    await expectInstalledOnce(CRASHED_LATER, job)
  })

  it('removes the folder the interrupted run made when the install that rolled it back fails too', async () => {
    const t = await freshCore('hp-later-call-failing')
    await t.call('apps.list', { serverId: 'hp-later-call-failing' })
    await crashMidInstall(CRASHED_FAILING)
    const missing = twoServices(1).replace(/image: .*\n/, `image: ${busybox().replace('busybox:1', 'no-such-image:1')}\n`)
    const { jobId } = await t.call('apps.install', { serverId: 'hp-later-call-failing', source: { compose: missing }, name: CRASHED_FAILING, values: {} })
    const job = await t.finishedJob(jobId)
    expect(job.state).toBe('failed')
    expect(await containers(CRASHED_FAILING)).toEqual([])
    expect(fs.existsSync(folder(CRASHED_FAILING))).toBe(false)
  })
})
