// `homeport backups schedule set|show|remove` against the test home server (cron path: its user has no
// systemd manager): no consent without a terminal is refused with the flag to pass, the flag stores the
// password and installs the entries, show lists the schedule, remove takes the entries and the secrets away.

import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScheduleDto } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { compose, userCrontab } from '../backups/backups-fixture.js'
import { installBackedUpApp } from './backups-cli-fixture.js'
import { cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()
const APP = `hpbk-scli-${randomBytes(3).toString('hex')}`
const REPO = `${APP}-repo`
const secrets = `/home/${hs.user}/.local/share/homeport/backups/secrets/${REPO}`
const crontab = () => userCrontab(hs)

describe('homeport backups schedule', { timeout: 300_000 }, () => {
  let cli: CliSandbox

  beforeAll(async () => {
    cli = cliSandbox()
    await installBackedUpApp(cli, hs, APP, compose(hs.images[0]))
    expect((await cli.run(['backups', 'repo', 'add', 'hs', REPO, '--path', path.join(cli.home, 'repo')])).code).toBe(0)
    expect((await cli.run(['backups', 'policy', 'set', 'hs', APP, '--repo', REPO])).code).toBe(0)
  }, 300_000)

  afterAll(async () => {
    await cli?.run(['backups', 'schedule', 'remove', 'hs', APP])
    await cli?.run(['apps', 'remove', 'hs', APP, '--volumes', '--yes'])
    await cli?.run(['backups', 'policy', 'remove', 'hs', APP])
    await cli?.run(['backups', 'repo', 'remove', 'hs', REPO])
    cli?.dispose()
  }, 300_000)

  it('refuses without consent off a terminal, naming the flag, and stores nothing', async () => {
    const set = await cli.run(['backups', 'schedule', 'set', 'hs', APP, '--backup', 'daily'])
    expect(set.code).toBe(2)
    expect(set.stderr).toMatch(/^error INVALID_INPUT: /m)
    expect(set.stderr).toContain('--store-password-on-server')
    expect(fs.existsSync(secrets)).toBe(false)
    expect(crontab()).not.toContain(APP)
  })

  it('sets, shows and removes a schedule', async () => {
    const set = await cli.run(['backups', 'schedule', 'set', 'hs', APP, '--backup', '15 2 * * *', '--drill', 'weekly', '--store-password-on-server'])
    expect(set.code, set.stderr).toBe(0)
    expect(set.stdout).toContain(`${APP}: backup: 15 2 * * *; drill: 0 3 * * 0 — by a cron entry on the server`)
    expect(crontab()).toContain(`15 2 * * * /bin/sh /home/${hs.user}/.local/share/homeport/backups/schedules/${APP}.sh backup # homeport-schedule backup-${APP}-backup`)
    expect((fs.statSync(path.join(secrets, 'password')).mode & 0o777).toString(8)).toBe('600')
    const shown = await cli.json<{ schedule: ScheduleDto }>(['backups', 'schedule', 'show', 'hs', APP, '--json'])
    expect(shown.schedule).toMatchObject({ app: APP, backup: '15 2 * * *', drill: '0 3 * * 0', via: 'cron' })
    const removed = await cli.run(['backups', 'schedule', 'remove', 'hs', APP])
    expect(removed.code, removed.stderr).toBe(0)
    expect(crontab()).not.toContain(APP)
    expect(fs.existsSync(secrets)).toBe(false)
    const none = await cli.run(['backups', 'schedule', 'show', 'hs', APP])
    expect(none.code).toBe(1)
    expect(none.stderr).toContain('backups schedule set')
  })
})
