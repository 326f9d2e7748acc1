// Backups in the window, the schedule and the pickers: Run now names the app on its bar; Size measures the
// repository (checked against the folder on the server); an app's schedule is set in a dialog (a cron time,
// a weekly drill, the consent to store the password on the server), shown with its next run and installed
// on the server as cron entries, then removed; an SFTP repository is added once the host key it shows is
// trusted; a restore puts back only the files and folders ticked in the snapshot browser, checked by
// sha256 on the server; and a clone restored beside the running original gets a free host port, named.

import { execFileSync, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, useHomeServer } from '../homeserver/helpers.js'
import { freePort } from '../homeserver/process.js'
import { inVolume, webCompose } from '../integration/backups/backups-fixture.js'
import { resticTestImage } from '../integration/backups/restic-image.js'
import { addServerByKey } from './add-server-steps.js'
import { expectSucceeded, openBackups, openSftpRepository, submitSftpRepository } from './backup-steps.js'
import { coreCall, startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const SERVER = `e2e-bksched-${process.pid}`
const APP = `e2e-bks-${randomBytes(3).toString('hex')}`
const CLONE = `${APP}-copy`
const REPO = `${APP}-usb`
const VOLUME = `${APP}_data`
const ROOT = `/backup/volumes/${VOLUME}`

let session: E2eSession
let page: Page
let scratch: string
let publicKey = ''
let port = 0
const authorizedKeys = `/home/${home.user}/.ssh/authorized_keys`

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex')
const appRow = () => page.locator(`[data-testid="backup-app"][data-app="${APP}"]`)
const secretsDir = `/home/${home.user}/.local/share/homeport/backups/secrets/${REPO}`
const crontab = () => {
  try {
    return execFileSync('su', ['-s', '/bin/sh', '-c', 'crontab -l', home.user], { encoding: 'utf8' })
  } catch {
    return ''
  }
}

async function sums(): Promise<Record<string, string>> {
  const out = await inVolume(home, VOLUME, 'cd /data && find . -type f -exec sha256sum {} +')
  return Object.fromEntries(out.trim().split('\n').filter(Boolean).map((l) => { const [sum, name] = l.split('  '); return [name, sum] }))
}

/** Picks an option of a naive-ui select by its label. */
async function choose(testid: string, label: string): Promise<void> {
  await page.getByTestId(testid).click()
  // A select's menu stays in the page once opened; only the open one is visible.
  await page.locator('.n-base-select-option:visible', { hasText: label }).first().click()
}

describe('backup schedules, sizes and picked restores in the window', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), `${APP}-`))
    // Schedules take the cron path here (no systemd user manager); crontab comes with Debian's cron.
    if (spawnSync('sh', ['-c', 'command -v crontab']).status !== 0) execFileSync('apt-get', ['install', '-y', '-q', 'cron'], { stdio: 'ignore' })
    session = await startE2e()
    page = session.page
  }, 300_000)

  afterAll(async () => {
    if (session) {
      await coreCall(session, 'backups.scheduleRemove', { serverId: SERVER, app: APP }).catch(() => undefined)
      await coreCall(session, 'backups.policyRemove', { serverId: SERVER, app: APP }).catch(() => undefined)
      for (const repository of [REPO, `${APP}-sftp`]) await coreCall(session, 'backups.repoRemove', { serverId: SERVER, repository }).catch(() => undefined)
      for (const app of [CLONE, APP]) await coreCall(session, 'apps.remove', { serverId: SERVER, app, volumes: true, confirm: app }).catch(() => undefined)
      await session.close()
    }
    if (publicKey && fs.existsSync(authorizedKeys)) fs.writeFileSync(authorizedKeys, fs.readFileSync(authorizedKeys, 'utf8').split('\n').filter((l) => l.trim() !== publicKey).join('\n'))
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true })
  }, 120_000)

  it('runs a backup whose bar names the app, then shows the repository size', async () => {
    // Set-up (not under test here): the server, the test restic image, an app with files, a repository and a policy.
    await addServerByKey(page, home, SERVER)
    await coreCall(session, 'settings.set', { key: 'backups.resticImage', value: await resticTestImage(home) })
    port = await freePort()
    const { jobId } = await coreCall(session, 'apps.install', { serverId: SERVER, source: { compose: webCompose(home.images[0], port) }, name: APP })
    await expect.poll(async () => (await coreCall(session, 'jobs.get', { id: jobId })).state, { timeout: 120_000 }).not.toBe('running')
    await inVolume(home, VOLUME, 'mkdir -p /data/docs && echo "notes v1" > /data/notes.txt && echo a1 > /data/docs/a.txt && echo keep1 > /data/keep.txt')
    await coreCall(session, 'backups.repoAdd', { serverId: SERVER, name: REPO, target: { kind: 'local', path: path.join(scratch, 'repo') } })
    await coreCall(session, 'backups.policySet', { serverId: SERVER, app: APP, repository: REPO })

    await openBackups(page, SERVER)
    await expect.poll(() => appRow().getAttribute('data-policy'), { timeout: 30_000 }).toBe('set')
    await appRow().getByTestId('backup-run').click()
    const bar = appRow().getByTestId('backup-progress')
    await bar.waitFor({ timeout: 30_000 })
    expect(await bar.getByTestId('backup-progress-heading').textContent()).toContain(`Backing up ${APP}`)
    await expect.poll(() => bar.getAttribute('data-state'), { timeout: 180_000 }).toBe('succeeded')

    const repoRow = page.locator(`[data-testid="repo-row"][data-name="${REPO}"]`)
    await repoRow.getByTestId('repo-measure').click()
    const size = repoRow.getByTestId('repo-size')
    await size.waitFor({ timeout: 120_000 })
    const onDisk = Number(execFileSync('du', ['-sb', path.join(scratch, 'repo', 'data')], { encoding: 'utf8' }).split('\t')[0])
    const stored = Number(await size.getAttribute('data-stored'))
    expect(stored).toBeGreaterThan(0)
    expect(stored).toBeLessThanOrEqual(onDisk)
    expect(await size.textContent()).toMatch(/stored for 1 snapshot\(s\) holding .* dedup \d+\.\d×/)
  })

  it('sets a schedule with a cron time and a weekly drill after consent, shows the next run, and removes it', async () => {
    await expect.poll(() => appRow().getByTestId('backup-schedule').getAttribute('data-schedule'), { timeout: 30_000 }).toBe('none')
    await appRow().getByTestId('backup-schedule-edit').click()
    await page.getByTestId('schedule-dialog').waitFor()
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('schedule-dialog').count()).toBe(0)

    await appRow().getByTestId('backup-schedule-edit').click()
    await page.getByTestId('schedule-dialog').waitFor()
    await choose('schedule-backup-choice', 'Cron time…')
    await page.getByTestId('schedule-backup-cron').fill('17 4 * * *')
    await choose('schedule-drill-choice', 'Weekly')
    // Nothing is stored on the server without the consent.
    expect(await page.getByTestId('schedule-save').isDisabled()).toBe(true)
    await page.getByTestId('schedule-consent').click()
    await page.getByTestId('schedule-save').click()
    await expect.poll(() => page.getByTestId('schedule-dialog').count(), { timeout: 60_000 }).toBe(0)

    const shown = appRow().getByTestId('backup-schedule')
    await expect.poll(() => shown.getAttribute('data-schedule'), { timeout: 30_000 }).toBe('set')
    expect(await shown.textContent()).toContain('backup cron "17 4 * * *" · drill weekly')
    const next = new Date((await shown.getAttribute('data-next'))!)
    expect([next.getHours(), next.getMinutes()]).toEqual([4, 17])
    expect(next.getTime()).toBeGreaterThan(Date.now())
    expect(await shown.textContent()).toContain('next backup')
    // On the server: the cron entries and the password in a file only its user reads.
    expect(crontab()).toContain(`17 4 * * * /bin/sh /home/${home.user}/.local/share/homeport/backups/schedules/${APP}.sh backup`)
    expect(crontab()).toContain(`# homeport-schedule backup-${APP}-drill`)
    expect(fs.statSync(path.join(secretsDir, 'password')).mode & 0o777).toBe(0o600)

    // Opened again, the dialog shows what is set and when each run is next due.
    await appRow().getByTestId('backup-schedule-edit').click()
    await page.getByTestId('schedule-dialog').waitFor()
    expect(await page.getByTestId('schedule-backup-cron').inputValue()).toBe('17 4 * * *')
    expect(await page.getByTestId('schedule-drill-next').textContent()).toContain('next:')
    await page.getByTestId('schedule-remove').click()
    await expect.poll(() => page.getByTestId('schedule-dialog').count(), { timeout: 60_000 }).toBe(0)
    await expect.poll(() => shown.getAttribute('data-schedule'), { timeout: 30_000 }).toBe('none')
    expect(crontab()).not.toContain(APP)
    expect(fs.existsSync(secretsDir)).toBe(false)
  })

  it('adds an SFTP repository once its host key, shown for comparison, is trusted', async () => {
    publicKey = await openSftpRepository(page, `${APP}-sftp`)
    expect(publicKey).toMatch(/^ssh-ed25519 \S+/)
    // What the person does on the SFTP host: authorise the server's backup key, give it a folder.
    fs.appendFileSync(authorizedKeys, `\n${publicKey}\n`)
    const target = path.join(scratch, 'sftp')
    fs.mkdirSync(target)
    fs.chmodSync(scratch, 0o755)
    execFileSync('chown', [`${home.user}:`, target])
    await submitSftpRepository(page, home, target)
    await page.getByTestId('repo-hostkey-accept').click()
    await page.getByTestId('repo-generated').waitFor({ timeout: 120_000 })
    await page.getByTestId('repo-done').click()
    const repoRow = page.locator(`[data-testid="repo-row"][data-name="${APP}-sftp"]`)
    await repoRow.waitFor()
    expect(await repoRow.textContent()).toContain(home.hostKeyFingerprint)
    expect(fs.existsSync(path.join(target, 'config'))).toBe(true)
  })

  it('restores only the files and folders ticked in the snapshot browser', async () => {
    const before = await sums()
    await inVolume(home, VOLUME, 'echo "notes v2" > /data/notes.txt && rm -rf /data/docs && echo keep2 > /data/keep.txt')
    await appRow().getByTestId('backup-browse').click()
    const row = page.getByTestId('snapshot-row').first()
    await row.waitFor({ timeout: 60_000 })
    await row.getByTestId('snapshot-restore').click()
    await page.getByTestId('restore-dialog').waitFor()
    await page.getByTestId('restore-path').click()
    const picker = page.getByTestId('snapshot-picker')
    await expect.poll(() => picker.getAttribute('data-folder'), { timeout: 60_000 }).toBe('/backup')
    await picker.locator('[data-testid="picker-entry"][data-path="/backup/volumes"]').getByTestId('picker-open').click()
    await expect.poll(() => picker.getAttribute('data-folder'), { timeout: 60_000 }).toBe('/backup/volumes')
    await picker.locator(`[data-testid="picker-entry"][data-path="${ROOT}"]`).getByTestId('picker-open').click()
    await expect.poll(() => picker.getAttribute('data-folder'), { timeout: 60_000 }).toBe(ROOT)
    for (const name of ['notes.txt', 'docs']) await picker.locator(`[data-testid="picker-entry"][data-path="${ROOT}/${name}"]`).getByTestId('picker-check').click()
    expect(await page.getByTestId('restore-replaced').textContent()).toContain(`${ROOT}/docs`)
    await page.getByTestId('restore-confirm-name').fill(APP)
    await page.getByTestId('restore-submit').click()
    await expectSucceeded(page.getByTestId('restore-dialog').getByTestId('job-progress'))
    const now = await sums()
    expect(now['./notes.txt']).toBe(before['./notes.txt'])
    expect(now['./docs/a.txt']).toBe(before['./docs/a.txt'])
    expect(now['./keep.txt']).toBe(sha256('keep2\n'))
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('restore-dialog').count()).toBe(0)
  })

  it('restores a clone beside the running original, saying which host port moved; both serve their files', async () => {
    await page.getByTestId('snapshot-row').first().getByTestId('snapshot-restore').click()
    await page.getByTestId('restore-dialog').waitFor()
    await page.getByTestId('restore-clone').click()
    await page.getByTestId('restore-clone-name').fill(CLONE)
    await page.getByTestId('restore-submit').click()
    await expectSucceeded(page.getByTestId('restore-dialog').getByTestId('job-progress'))
    const moved = new RegExp(`Port ${port} of web was taken, so ${CLONE} publishes it on (\\d+)\\.`).exec((await page.getByTestId('restore-ports').textContent()) ?? '')
    expect(moved).not.toBeNull()
    const clonePort = Number(moved![1])
    for (const app of [APP, CLONE]) expect((await docker(['ps', '--filter', `label=com.docker.compose.project=${app}`, '--format', '{{.State}}'])).trim()).toBe('running')
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${clonePort}/keep.txt`).catch(() => undefined))?.status, { timeout: 60_000 }).toBe(200)
    expect(await (await fetch(`http://127.0.0.1:${clonePort}/keep.txt`)).text()).toBe('keep1\n')
    expect(await (await fetch(`http://127.0.0.1:${port}/keep.txt`)).text()).toBe('keep2\n')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('restore-dialog').count()).toBe(0)
  })
})
