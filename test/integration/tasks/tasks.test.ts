// Scheduled tasks on the test home server. Its user has no systemd user manager (this machine's PID 1 is not
// systemd), so the agent takes the cron path, run by Debian's cron started here when none runs. A task in an
// image and one in an app's service, both due every minute, fire while Homeport is disconnected; the runs
// are watched through a plain SSH client, then read through Homeport after it connects again.

import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from 'ssh2'
import fs from 'node:fs'
import type { TaskRunDto } from '../../../shared/contract/index.js'
import { docker, execOnClient, homeportFailure, useHomeServer } from '../../homeserver/helpers.js'
import { compose, inVolume, startServerCron, userCrontab } from '../backups/backups-fixture.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'

const hs = useHomeServer()
const SERVER = 'home'
const APP = `hptask-${randomBytes(3).toString('hex')}`
const IMAGE_TASK = `${APP}-img`
const APP_TASK = `${APP}-exec`
const FAIL_TASK = `${APP}-fail`
const SLOW_TASK = `${APP}-slow`
const tasksDir = () => `/home/${hs.user}/.local/share/homeport/tasks`
let t: TestCore
let ssh: Client
let cron: { stop(): void } | undefined

const crontab = () => userCrontab(hs)

/** The task's run records as the server has them, read over a plain SSH exec (not through Homeport). */
async function runsOnServer(task: string): Promise<TaskRunDto[]> {
  const res = await execOnClient(ssh, `cat ${tasksDir()}/${task}/runs/*.json 2>/dev/null; true`)
  return res.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as TaskRunDto)
}

beforeAll(async () => {
  cron = startServerCron()
  // Sampling as the window does: task runs are read (and alerts raised) when a kept-up core connects.
  t = await openTestCore({ sampling: true })
  await t.call('servers.add', homeServerInput(hs, SERVER))
  const job = await t.finishedJob((await t.call('apps.install', { serverId: SERVER, source: { compose: compose(hs.images[0]) }, name: APP })).jobId)
  expect(job.error, JSON.stringify(job.error)).toBeUndefined()
  ssh = await new Promise<Client>((resolve, reject) => {
    const client = new Client()
    client.once('ready', () => resolve(client)).once('error', reject)
    client.connect({ host: hs.host, port: hs.sshPort, username: hs.user, privateKey: fs.readFileSync(hs.keys.ed25519) })
  })
}, 300_000)

afterAll(async () => {
  for (const name of [IMAGE_TASK, APP_TASK, FAIL_TASK, SLOW_TASK]) await t?.call('tasks.remove', { serverId: SERVER, name, deleteHistory: true }).catch(() => {})
  await t?.call('apps.remove', { serverId: SERVER, app: APP, volumes: true, confirm: APP }).catch(() => {})
  await t?.close()
  ssh?.end()
  fs.rmSync(`${tasksDir()}/${APP_TASK}`, { recursive: true, force: true })
  cron?.stop()
}, 300_000)

describe('scheduled tasks', { timeout: 400_000 }, () => {
  it('refuses a bad schedule, an unknown app or service and a bad name, and schedules nothing', async () => {
    const badCron = await homeportFailure(t.call('tasks.add', { serverId: SERVER, name: APP_TASK, cron: '61 * * * *', target: { kind: 'image', image: hs.images[0] }, command: ['true'] }))
    expect(badCron.code).toBe('INVALID_INPUT')
    expect(badCron.message).toContain('minute')
    expect(badCron.cliHint).toContain('--cron')
    const noApp = await homeportFailure(t.call('tasks.add', { serverId: SERVER, name: APP_TASK, cron: 'daily', target: { kind: 'app', app: `${APP}-nope`, service: 'app' }, command: ['true'] }))
    expect(noApp.code).toBe('NOT_FOUND')
    expect(noApp.message).toContain(`${APP}-nope`)
    const noService = await homeportFailure(t.call('tasks.add', { serverId: SERVER, name: APP_TASK, cron: 'daily', target: { kind: 'app', app: APP, service: 'db' }, command: ['true'] }))
    expect(noService.message).toContain('its services are app')
    expect(noService.cliHint).toContain('--service')
    const badName = await t.refused('tasks.add', { serverId: SERVER, name: 'Bad Name', cron: 'daily', target: { kind: 'image', image: hs.images[0] }, command: ['true'] })
    expect(badName.code).toBe('INVALID_INPUT')
    expect(crontab()).not.toContain(APP)
    expect(await t.call('tasks.list', { serverId: SERVER })).not.toContainEqual(expect.objectContaining({ name: APP_TASK }))
  })

  it('fires within a minute while Homeport is disconnected; the history is read after reconnecting', async () => {
    const image = await t.call('tasks.add', { serverId: SERVER, name: IMAGE_TASK, cron: '* * * * *', target: { kind: 'image', image: hs.images[0] }, command: ['sh', '-c', 'echo "hello from $1"; echo "to stderr" >&2', 'sh', "it's $(id); a"] })
    expect(image).toMatchObject({ name: IMAGE_TASK, via: 'cron', cron: '* * * * *' })
    expect(Date.parse(image.nextRun!)).toBeGreaterThan(Date.now() - 60_000)
    await t.call('tasks.add', { serverId: SERVER, name: APP_TASK, cron: '* * * * *', target: { kind: 'app', app: APP, service: 'app' }, command: ['sh', '-c', 'date > /data/task-ran; echo "in $(hostname)"'] })
    expect(crontab()).toContain(`/bin/sh ${tasksDir()}/${IMAGE_TASK}/run.sh run # homeport-schedule task-${IMAGE_TASK}`)
    expect(crontab()).toContain(`# homeport-schedule task-${APP_TASK}`)

    await t.call('servers.disconnect', { id: SERVER })
    for (const task of [IMAGE_TASK, APP_TASK]) {
      await expect.poll(async () => (await runsOnServer(task)).filter((r) => r.status !== 'running').length, { timeout: 300_000, interval: 2000 }).toBeGreaterThan(0)
    }
    // The app task ran inside the app's container: its volume has the file.
    expect(await inVolume(hs, `${APP}_data`, 'cat /data/task-ran')).not.toBe('')

    await t.call('servers.connect', { id: SERVER })
    const [imageRun] = (await t.call('tasks.history', { serverId: SERVER, name: IMAGE_TASK })).filter((r) => r.status !== 'running')
    expect(imageRun).toMatchObject({ task: IMAGE_TASK, status: 'ok', exitCode: 0, truncated: false })
    expect(imageRun.durationMs).toBeGreaterThanOrEqual(0)
    expect(Date.parse(imageRun.endedAt!)).toBeGreaterThanOrEqual(Date.parse(imageRun.startedAt))
    const log = await t.call('tasks.logs', { serverId: SERVER, name: IMAGE_TASK, run: imageRun.run })
    expect(log.log).toContain("hello from it's $(id); a")
    expect(log.log).toContain('to stderr')
    const appRun = (await t.call('tasks.history', { serverId: SERVER, name: APP_TASK })).find((r) => r.status !== 'running')!
    expect(appRun).toMatchObject({ status: 'ok', exitCode: 0 })
    const container = (await docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${APP}`])).trim().slice(0, 12)
    expect((await t.call('tasks.logs', { serverId: SERVER, name: APP_TASK, run: appRun.run })).log).toContain(`in ${container}`)
    const listed = await t.call('tasks.list', { serverId: SERVER })
    expect(listed.find((x) => x.name === IMAGE_TASK)?.lastRun?.task).toBe(IMAGE_TASK)
    // The tasks live on the server: another computer (another core) sees the same ones and their runs.
    const other = await openTestCore()
    try {
      await other.call('servers.add', homeServerInput(hs, SERVER))
      const seen = await other.call('tasks.list', { serverId: SERVER })
      expect(seen.find((x) => x.name === APP_TASK)).toMatchObject({ target: { kind: 'app', app: APP, service: 'app' }, cron: '* * * * *' })
      expect((await other.call('tasks.history', { serverId: SERVER, name: IMAGE_TASK })).map((r) => r.run)).toContain(imageRun.run)
    } finally {
      await other.close()
    }
  })

  it('runs a task now as a job with its output, and adds the run to the history', async () => {
    const job = await t.finishedJob((await t.call('tasks.run', { serverId: SERVER, name: IMAGE_TASK })).jobId)
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    expect(job.log).toContain("hello from it's $(id); a")
    const result = job.kind === 'task' ? job.result : undefined
    expect(result).toMatchObject({ status: 'ok', exitCode: 0 })
    expect((await runsOnServer(IMAGE_TASK)).map((r) => r.run)).toContain(result!.run)
  })

  it('cancels a run now of an image task by removing its container (recorded as failed); one in an app goes on', async () => {
    await t.call('tasks.add', { serverId: SERVER, name: SLOW_TASK, cron: 'monthly', target: { kind: 'image', image: hs.images[0] }, command: ['sh', '-c', 'echo started; sleep 600'] })
    const { jobId } = await t.call('tasks.run', { serverId: SERVER, name: SLOW_TASK })
    const containers = () => docker(['ps', '-q', '--filter', `label=io.homeport.task=${SLOW_TASK}`]).then((out) => out.trim())
    await expect.poll(containers, { timeout: 120_000 }).not.toBe('')
    // One run at a time: a second "run now" meanwhile is refused, and says which run goes on.
    const second = await t.finishedJob((await t.call('tasks.run', { serverId: SERVER, name: SLOW_TASK })).jobId)
    expect(second.error).toMatchObject({ code: 'TASK_RUNNING', message: expect.stringMatching(new RegExp(`^The task ${SLOW_TASK} on .* is still running \\(run \\S+\\)`)) })
    const running = (await runsOnServer(SLOW_TASK)).find((r) => r.status === 'running')!.run
    expect((await runsOnServer(SLOW_TASK)).find((r) => r.status === 'skipped')).toMatchObject({ skippedFor: running })
    await t.call('jobs.cancel', { id: jobId })
    const job = await t.finishedJob(jobId)
    expect(job.state).toBe('cancelled')
    expect(await containers()).toBe('')
    expect((await runsOnServer(SLOW_TASK)).find((r) => r.run === running)).toMatchObject({ status: 'failed', exitCode: 137 })

    // A command in an app's service has no handle to stop it: the job says so, and the run ends by itself.
    await t.call('tasks.add', { serverId: SERVER, name: SLOW_TASK, cron: 'monthly', target: { kind: 'app', app: APP, service: 'app' }, command: ['sh', '-c', 'sleep 3; echo finished'] })
    const inApp = await t.call('tasks.run', { serverId: SERVER, name: SLOW_TASK })
    await expect.poll(async () => (await runsOnServer(SLOW_TASK)).filter((r) => r.status === 'running').length, { timeout: 60_000 }).toBe(1)
    await t.call('jobs.cancel', { id: inApp.jobId })
    expect((await t.finishedJob(inApp.jobId)).log.join('\n')).toContain('cannot be stopped from Homeport')
    await expect.poll(async () => (await runsOnServer(SLOW_TASK)).at(-1)?.status, { timeout: 60_000 }).toBe('ok')
  })

  it('removes the cron entries; the history goes only when asked', async () => {
    expect(await t.call('tasks.remove', { serverId: SERVER, name: IMAGE_TASK, deleteHistory: true })).toEqual({ historyKept: false })
    expect(await t.call('tasks.remove', { serverId: SERVER, name: APP_TASK })).toEqual({ historyKept: true })
    expect(crontab()).not.toContain(IMAGE_TASK)
    expect(crontab()).not.toContain(APP_TASK)
    expect(fs.existsSync(`${tasksDir()}/${IMAGE_TASK}`)).toBe(false)
    expect(fs.existsSync(`${tasksDir()}/${APP_TASK}/run.sh`)).toBe(false)
    expect((await runsOnServer(APP_TASK)).length).toBeGreaterThan(0)
    expect((await t.call('tasks.list', { serverId: SERVER })).map((x) => x.name)).not.toContain(IMAGE_TASK)
    // The image task's containers were removed after each run.
    await expect.poll(async () => (await docker(['ps', '-aq', '--filter', `label=io.homeport.task=${IMAGE_TASK}`])).trim(), { timeout: 120_000 }).toBe('')
  })

  it('turns a failed run into one alert naming the task and its exit code, however often Homeport connects', async () => {
    await t.call('tasks.add', { serverId: SERVER, name: FAIL_TASK, cron: '0 3 * * *', target: { kind: 'image', image: hs.images[0] }, command: ['sh', '-c', 'echo boom; exit 7'] })
    const job = await t.finishedJob((await t.call('tasks.run', { serverId: SERVER, name: FAIL_TASK })).jobId)
    expect(job.state).toBe('failed')
    expect(job.error).toMatchObject({ code: 'COMMAND_FAILED' })
    expect(job.error?.message).toContain('exited with code 7')
    expect(job.log).toContain('boom')
    expect((await runsOnServer(FAIL_TASK)).at(-1)).toMatchObject({ status: 'failed', exitCode: 7 })
    const alertsOf = async () => (await t.call('alerts.list', { serverId: SERVER })).filter((a) => a.rule === 'task.failed' && a.subject.startsWith(`${FAIL_TASK} `))
    for (let i = 0; i < 2; i++) {
      await t.call('servers.disconnect', { id: SERVER })
      await t.call('servers.connect', { id: SERVER })
      await expect.poll(alertsOf, { timeout: 60_000 }).toHaveLength(1)
    }
    const [alert] = await alertsOf()
    expect(alert).toMatchObject({ state: 'open', occurrences: 1 })
    expect(alert.title).toContain(FAIL_TASK)
    expect(alert.title).toContain('exit code 7')
  })
})
