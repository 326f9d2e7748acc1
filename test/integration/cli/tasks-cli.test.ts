// `homeport tasks …` against the test home server (cron path: its user has no systemd manager): flags that
// name no target or two are refused before anything connects, add installs the cron entry, run prints the
// command's output and its exit code, history and logs read the runs back, remove takes the entry away and
// keeps the history unless told otherwise.

import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TaskDto, TaskLogDto, TaskRunDto } from '../../../shared/contract/index.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { compose, userCrontab } from '../backups/backups-fixture.js'
import { addHomeServer, cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()
const APP = `hptask-cli-${randomBytes(3).toString('hex')}`
const TASK = `${APP}-hello`
const tasksDir = `/home/${hs.user}/.local/share/homeport/tasks`
const crontab = () => userCrontab(hs)

describe('homeport tasks', { timeout: 300_000 }, () => {
  let cli: CliSandbox

  beforeAll(async () => {
    cli = cliSandbox()
    await addHomeServer(cli, hs, 'hs')
    fs.writeFileSync(path.join(cli.home, 'compose.yml'), compose(hs.images[0]))
    const installed = await cli.run(['apps', 'install', 'hs', '--file', path.join(cli.home, 'compose.yml'), '--name', APP])
    expect(installed.code, installed.stderr).toBe(0)
  }, 300_000)

  afterAll(async () => {
    await cli?.run(['tasks', 'remove', 'hs', TASK, '--delete-history'])
    await cli?.run(['apps', 'remove', 'hs', APP, '--volumes', '--yes'])
    cli?.dispose()
  }, 300_000)

  it('refuses flags that name no target, two targets, or a bad schedule, naming the flag', async () => {
    const none = await cli.run(['tasks', 'add', 'hs', TASK, '--cron', 'daily', '--', 'true'])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('--image IMAGE')
    const both = await cli.run(['tasks', 'add', 'hs', TASK, '--cron', 'daily', '--app', APP, '--image', hs.images[0], '--', 'true'])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('not both')
    const noService = await cli.run(['tasks', 'add', 'hs', TASK, '--cron', 'daily', '--app', APP, '--', 'true'])
    expect(noService.stderr).toContain('--service')
    const badCron = await cli.run(['tasks', 'add', 'hs', TASK, '--cron', '0 25 * * *', '--image', hs.images[0], '--', 'true'])
    expect(badCron.code).toBe(2)
    expect(badCron.stderr).toMatch(/^error INVALID_INPUT: .*hour/m)
    expect(badCron.stderr).toContain('hint: Pass --cron')
    const unknownService = await cli.run(['tasks', 'add', 'hs', TASK, '--cron', 'daily', '--app', APP, '--service', 'nope', '--', 'true'])
    expect(unknownService.code).toBe(1)
    expect(unknownService.stderr).toContain('hint: Pass --service with one of: app')
    expect(crontab()).not.toContain(TASK)
  })

  it('adds, lists, runs, shows the history and logs, and removes a task', async () => {
    const add = await cli.run(['tasks', 'add', 'hs', TASK, '--cron', '30 2 * * *', '--app', APP, '--service', 'app', '--', 'sh', '-c', 'echo "hi $1"; exit 3', 'sh', 'a b;c'])
    expect(add.code, add.stderr).toBe(0)
    expect(add.stdout).toContain(`Task ${TASK} on hs: sh -c`)
    expect(crontab()).toContain(`30 2 * * * /bin/sh ${tasksDir}/${TASK}/run.sh run # homeport-schedule task-${TASK}`)
    const list = await cli.json<TaskDto[]>(['tasks', 'list', 'hs'])
    expect(list.find((t) => t.name === TASK)).toMatchObject({ cron: '30 2 * * *', target: { kind: 'app', app: APP, service: 'app' }, command: ['sh', '-c', 'echo "hi $1"; exit 3', 'sh', 'a b;c'] })
    expect((await cli.run(['tasks', 'list', 'hs'])).stdout).toContain('never run')

    const run = await cli.run(['tasks', 'run', 'hs', TASK])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('hi a b;c')
    expect(run.stderr).toMatch(/error COMMAND_FAILED: .*exited with code 3/)

    const history = await cli.json<TaskRunDto[]>(['tasks', 'history', 'hs', TASK])
    expect(history).toHaveLength(1)
    expect(history[0]).toMatchObject({ status: 'failed', exitCode: 3 })
    expect((await cli.run(['tasks', 'history', 'hs', TASK])).stdout).toMatch(/failed\s+3/)
    const logs = await cli.run(['tasks', 'logs', 'hs', TASK])
    expect(logs.stdout).toBe('hi a b;c\n')
    expect((await cli.json<TaskLogDto>(['tasks', 'logs', 'hs', TASK, history[0].run])).run.run).toBe(history[0].run)
    const noRun = await cli.run(['tasks', 'logs', 'hs', TASK, '20000101T000000Z-1'])
    expect(noRun.code).toBe(1)
    expect(noRun.stderr).toContain('tasks history')

    const removed = await cli.run(['tasks', 'remove', 'hs', TASK])
    expect(removed.code, removed.stderr).toBe(0)
    expect(removed.stdout).toContain('its run history stays on the server')
    expect(crontab()).not.toContain(TASK)
    expect(fs.readdirSync(`${tasksDir}/${TASK}/runs`).filter((f) => f.endsWith('.json'))).toHaveLength(1)
    expect((await cli.run(['tasks', 'list', 'hs'])).stdout).not.toContain(TASK)
    const gone = await cli.run(['tasks', 'run', 'hs', TASK])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toContain('homeport tasks list')
  })

  it('runs a task one at a time: a second run meanwhile is refused and shows in the history as skipped', async () => {
    const slow = `${APP}-slow`
    const gate = `/tmp/${slow}-go`
    try {
      const add = await cli.run(['tasks', 'add', 'hs', slow, '--cron', 'monthly', '--app', APP, '--service', 'app', '--', 'sh', '-c', 'i=0; while [ ! -e "$1" ] && [ $i -lt 1500 ]; do sleep 0.2; i=$((i + 1)); done; echo through', 'sh', gate])
      expect(add.code, add.stderr).toBe(0)
      const first = cli.run(['tasks', 'run', 'hs', slow])
      const runs = () => cli.json<TaskRunDto[]>(['tasks', 'history', 'hs', slow])
      await expect.poll(async () => (await runs()).map((r) => r.status), { timeout: 120_000 }).toEqual(['running'])
      const [{ run: going, startedAt }] = await runs()
      // Run ids sort by their start second: the second run starts in a later one, so it is the last run.
      await expect.poll(() => Date.now() > Date.parse(startedAt) + 1000).toBe(true)

      const second = await cli.run(['tasks', 'run', 'hs', slow])
      expect(second.code).toBe(1)
      expect(second.stderr).toMatch(new RegExp(`^error TASK_RUNNING: The task ${slow} on hs is still running \\(run ${going}\\)`, 'm'))
      expect(second.stderr).toContain(`hint: Wait for the run to end (\`homeport tasks history SERVER TASK\`)`)
      expect((await runs()).find((r) => r.status === 'skipped')).toMatchObject({ skippedFor: going })
      expect((await cli.run(['tasks', 'history', 'hs', slow])).stdout).toContain(`skipped: run ${going} was going`)
      expect((await cli.run(['tasks', 'list', 'hs'])).stdout).toContain(`skipped (run ${going} was still going)`)

      const container = (await docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${APP}`, '--filter', 'label=com.docker.compose.service=app'])).trim()
      await docker(['exec', container, 'touch', gate])
      const done = await first
      expect(done.code, done.stderr).toBe(0)
      expect(done.stderr + done.stdout).toContain('through')
      expect((await runs()).find((r) => r.run === going)).toMatchObject({ status: 'ok', exitCode: 0 })
    } finally {
      await cli.run(['tasks', 'remove', 'hs', slow, '--delete-history'])
    }
  })
})
