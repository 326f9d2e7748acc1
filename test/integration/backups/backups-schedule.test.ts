// Backups that run on the server's own schedule: the test home server's user has no systemd user manager
// (this machine's PID 1 is not systemd), so the agent takes the cron path, run by Debian's cron started
// here when none runs. A cron entry set to fire within a minute makes a snapshot while Homeport is
// disconnected; a failed scheduled run becomes one alert when Homeport connects, however often it does.

import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScheduledRunDto } from '../../../shared/contract/index.js'
import { bundledAgent } from '../../../electron/core/agent/agent-script.js'
import { docker, homeportFailure, useHomeServer } from '../../homeserver/helpers.js'
import { resticTestImage } from './restic-image.js'
import { closeBackupApp, openBackupApp, SERVER, startServerCron, type BackupApp } from './backups-fixture.js'

const hs = useHomeServer()
let b: BackupApp
let cron: { stop(): void } | undefined
let REPO: string
let repoPath: string
const backupsDir = () => `/home/${hs.user}/.local/share/homeport/backups`

function runsOf(app: string): ScheduledRunDto[] {
  const file = path.join(backupsDir(), 'runs.jsonl')
  if (!fs.existsSync(file)) return []
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ScheduledRunDto).filter((r) => r.app === app)
}

function asUser(script: string): string {
  return execFileSync('su', ['-s', '/bin/sh', '-c', script, hs.user], { encoding: 'utf8' })
}

/** restic run directly on the server (not through Homeport) with the password file the schedule stored. */
async function snapshotsOnServer(): Promise<{ id: string; tags: string[] }[]> {
  const out = await docker(['run', '--rm', '--network', 'none', '-v', `${repoPath}:/repository`, '-v', `${backupsDir()}/secrets/${REPO}:/s:ro`, '--entrypoint', 'restic', await resticTestImage(hs), '-r', '/repository', '--password-file', '/s/password', '--no-cache', 'snapshots', '--json'])
  return JSON.parse(out) as { id: string; tags: string[] }[]
}

beforeAll(async () => {
  cron = startServerCron()
  b = await openBackupApp(hs, 'hpbk-sched', { sampling: true })
  REPO = `${b.app}-repo`
  repoPath = path.join(b.scratch, 'repo')
  await b.t.call('backups.repoAdd', { serverId: SERVER, name: REPO, target: { kind: 'local', path: repoPath } })
  await b.t.call('backups.policySet', { serverId: SERVER, app: b.app, repository: REPO })
}, 300_000)

afterAll(async () => {
  await b?.t.call('backups.scheduleRemove', { serverId: SERVER, app: b.app }).catch(() => {})
  await b?.t.call('backups.policyRemove', { serverId: SERVER, app: b.app }).catch(() => {})
  await b?.t.call('backups.repoRemove', { serverId: SERVER, repository: REPO }).catch(() => {})
  await closeBackupApp(b)
  cron?.stop()
}, 300_000)

describe('backup schedules on the server', { timeout: 400_000 }, () => {
  it('refuses to store the password on the server without consent, and stores nothing', async () => {
    const err = await homeportFailure(b.t.call('backups.scheduleSet', { serverId: SERVER, app: b.app, backup: 'daily' }))
    expect(err.code).toBe('INVALID_INPUT')
    expect(err.cliHint).toContain('--store-password-on-server')
    expect(fs.existsSync(path.join(backupsDir(), 'secrets', REPO))).toBe(false)
    const bad = await homeportFailure(b.t.call('backups.scheduleSet', { serverId: SERVER, app: b.app, backup: '61 * * * *', storeSecretsOnServer: true }))
    expect(bad.message).toContain('minute')
  })

  it('fires within a minute through cron while Homeport is disconnected and makes a snapshot', async () => {
    expect(() => asUser('systemctl --user show-environment')).toThrow()
    const at = new Date(Date.now() + (new Date().getSeconds() > 45 ? 120_000 : 60_000))
    const schedule = await b.t.call('backups.scheduleSet', { serverId: SERVER, app: b.app, backup: `${at.getMinutes()} ${at.getHours()} * * *`, check: 'weekly', storeSecretsOnServer: true })
    expect(schedule).toMatchObject({ app: b.app, via: 'cron', check: '0 3 * * 0' })
    const password = path.join(backupsDir(), 'secrets', REPO, 'password')
    expect((fs.statSync(password).mode & 0o777).toString(8)).toBe('600')
    expect(fs.statSync(password).uid).toBe(Number(execFileSync('id', ['-u', hs.user], { encoding: 'utf8' })))
    const crontab = asUser('crontab -l')
    expect(crontab).toContain(`# homeport-schedule backup-${b.app}-backup`)
    expect(crontab).toContain(`# homeport-schedule backup-${b.app}-check`)
    expect(await b.t.call('backups.scheduleGet', { serverId: SERVER, app: b.app })).toMatchObject({ via: 'cron' })

    await b.t.call('servers.disconnect', { id: SERVER })
    expect(await snapshotsOnServer()).toHaveLength(0)
    await expect.poll(() => runsOf(b.app).filter((r) => r.status !== 'started'), { timeout: 300_000, interval: 2000 }).toHaveLength(1)
    const done = runsOf(b.app).at(-1)!
    expect(done, JSON.stringify(done)).toMatchObject({ kind: 'backup', status: 'ok' })
    const snaps = await snapshotsOnServer()
    expect(snaps).toHaveLength(1)
    expect(snaps[0].id.startsWith(done.snapshotId!)).toBe(true)
    expect(snaps[0].tags).toContain(`homeport-app=${b.app}`)
    // The app was stopped for the snapshot and started again, and no restic container is left.
    expect((await docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${b.app}`])).trim()).not.toBe('')
    expect((await docker(['ps', '-aq', '--filter', `label=io.homeport.backup.app=${b.app}`])).trim()).toBe('')

    // Homeport sees the run when it connects again.
    const runs = await b.t.call('backups.scheduledRuns', { serverId: SERVER, app: b.app })
    expect(runs[0]).toMatchObject({ status: 'ok', snapshotId: done.snapshotId })
    expect((await b.t.call('backups.snapshots', { serverId: SERVER, app: b.app })).map((s) => s.id)).toEqual(snaps.map((s) => s.id))
  })

  it('has the agent refuse schedule arguments that could be read as more than one word', () => {
    const agent = `/home/${hs.user}/.local/share/homeport/agent/${bundledAgent().version}/homeport-agent`
    const bad = [
      ['x;y', '* * * * *', '*-*-* *:*:00', '/tmp/s.sh', 'backup'],
      ['n', '* * * * * ; reboot', '*-*-* *:*:00', '/tmp/s.sh', 'backup'],
      ['n', '* * * * *', '*-*-* *:*:00\nExecStart=/bin/false', '/tmp/s.sh', 'backup'],
      ['n', '* * * * *', '*-*-* *:*:00', '/tmp/s $(id).sh', 'backup'],
      ['n', '* * * * *', '*-*-* *:*:00', 'relative.sh', 'backup'],
      ['n', '* * * * *', '*-*-* *:*:00', '/tmp/s.sh', 'backup; id'],
    ]
    for (const args of bad) {
      const res = spawnSync('su', ['-s', '/bin/sh', '-c', 'sh "$0" schedule-set "$@"', hs.user, '--', agent, ...args], { encoding: 'utf8' })
      expect(res.status, JSON.stringify(args)).toBe(2)
      expect(JSON.parse(res.stdout)).toHaveProperty('error')
    }
    expect(asUser('crontab -l 2>/dev/null; true')).not.toContain('homeport-schedule n')
  })

  it('turns a failed scheduled run into one alert on connect, however often Homeport connects', async () => {
    await b.t.call('servers.disconnect', { id: SERVER })
    const password = path.join(backupsDir(), 'secrets', REPO, 'password')
    const good = fs.readFileSync(password, 'utf8')
    fs.writeFileSync(password, 'not the password')
    try {
      // What cron runs, run now: the stored password is wrong, so restic refuses.
      expect(() => asUser(`sh ${backupsDir()}/schedules/${b.app}.sh backup`)).toThrow()
    } finally {
      fs.writeFileSync(password, good)
    }
    const failed = runsOf(b.app).at(-1)!
    expect(failed).toMatchObject({ status: 'failed' })
    expect(failed.error).toMatch(/password|restic/i)
    expect((await docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${b.app}`])).trim()).not.toBe('')
    const alertsOf = async () => (await b.t.call('alerts.list', { serverId: SERVER })).filter((a) => a.app === b.app && a.rule === 'backup.failed')
    for (let i = 0; i < 2; i++) {
      await b.t.call('servers.connect', { id: SERVER })
      await expect.poll(alertsOf, { timeout: 60_000 }).toHaveLength(1)
      await b.t.call('servers.disconnect', { id: SERVER })
    }
    const [alert] = await alertsOf()
    expect(alert).toMatchObject({ state: 'open', severity: 'critical', occurrences: 1 })
    expect(alert.title).toContain('scheduled backup')
  })

  it('runs the scheduled check and drill as cron would; a passed drill becomes the last proven restore on connect', async () => {
    await b.t.call('servers.disconnect', { id: SERVER })
    asUser(`sh ${backupsDir()}/schedules/${b.app}.sh check`)
    asUser(`sh ${backupsDir()}/schedules/${b.app}.sh drill`)
    const [check, drill] = runsOf(b.app).filter((r) => r.status !== 'started').slice(-2)
    expect(check).toMatchObject({ kind: 'check', status: 'ok' })
    expect(drill).toMatchObject({ kind: 'drill', status: 'ok' })
    expect(drill.snapshotId).toMatch(/^[0-9a-f]{8}/)
    expect((await docker(['volume', 'ls', '-q', '--filter', `name=homeport-drill-${b.app}`])).trim()).toBe('')
    await b.t.call('servers.connect', { id: SERVER })
    await expect.poll(async () => (await b.t.call('backups.policyGet', { serverId: SERVER, app: b.app }))?.lastProvenRestore?.snapshotId, { timeout: 60_000 }).toBe(drill.snapshotId)
  })
})
