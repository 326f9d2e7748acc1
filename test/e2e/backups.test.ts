// Backups end to end: the built renderer in headless Chromium through the web host, against the real core,
// real restic (the test image, in a container on the test home server) and a small compose app. Adds a
// repository on the server, sets the app's policy, runs a backup and watches its bar reach 100 %, finds the
// snapshot in the browser, changes a file on the server, restores the snapshot into the app after the
// confirmation, and checks on the server that the file's sha256 is back.

import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, useHomeServer } from '../homeserver/helpers.js'
import { compose, inVolume } from '../integration/backups/backups-fixture.js'
import { resticTestImage } from '../integration/backups/restic-image.js'
import { startDropinSshd, type DropinSshd } from '../homeserver/dropin-sshd.js'
import { freshSudoUser, type SudoUser } from '../homeserver/sudo-user.js'
import { addServerByKey } from './add-server-steps.js'
import { expectSucceeded, openBackups, openSftpRepository, submitSftpRepository } from './backup-steps.js'
import { coreCall, startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const SERVER = `e2e-backups-${process.pid}`
const APP = `e2e-bk-${randomBytes(3).toString('hex')}`
const REPO = `${APP}-usb`
const CLONE = `${APP}-copy`
const VOLUME = `${APP}_data`
const CONTENT = `notes of ${APP}\n`.repeat(2000)

let session: E2eSession
let page: Page
let scratch: string
let image: string
// Another Homeport server as a repository: its own sshd (with a drop-in folder) and a user whose sudo asks.
let otherSshd: DropinSshd | undefined
let sudoUser: SudoUser | undefined
const OTHER = `${APP}-other`
const OTHER_FOLDER = `/srv/${APP}/backups`
const backupUser = () => execFileSync('sh', ['-c', `getent passwd hp-backup-${SERVER} || true`], { encoding: 'utf8' }).trim()

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex')
const fileSha = async (volume = VOLUME) => (await inVolume(home, volume, 'sha256sum /data/notes.txt')).split(' ')[0]
const appRow = () => page.locator(`[data-testid="backup-app"][data-app="${APP}"]`)

async function appState(app = APP): Promise<string> {
  return (await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${app}`, '--format', '{{.State}}'])).trim()
}

describe('backups in the window', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), `${APP}-`))
    image = await resticTestImage(home)
    session = await startE2e()
    page = session.page
  }, 300_000)

  afterAll(async () => {
    if (session) {
      await coreCall(session, 'backups.policyRemove', { serverId: SERVER, app: APP }).catch(() => undefined)
      await coreCall(session, 'backups.repoRemove', { serverId: SERVER, repository: REPO }).catch(() => undefined)
      await coreCall(session, 'backups.repoRemove', { serverId: SERVER, repository: OTHER, removeOnTarget: true, ...(sudoUser ? { sudoPassword: sudoUser.password } : {}) }).catch(() => undefined)
      for (const app of [APP, CLONE]) await coreCall(session, 'apps.remove', { serverId: SERVER, app, volumes: true, confirm: app }).catch(() => undefined)
      await session.close()
    }
    await docker(['volume', 'rm', '-f', VOLUME, `${CLONE}_data`]).catch(() => '')
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true })
    await otherSshd?.stop()
    await sudoUser?.remove()
    if (backupUser()) execFileSync('userdel', [`hp-backup-${SERVER}`])
    fs.rmSync(path.dirname(OTHER_FOLDER), { recursive: true, force: true })
  }, 120_000)

  it('opens the Backups page from the server page and adds a repository on the server', async () => {
    // Set-up: the test server, the test restic image, and a small app with a known file in its volume.
    await addServerByKey(page, home, SERVER)
    await coreCall(session, 'settings.set', { key: 'backups.resticImage', value: image })
    const { jobId } = await coreCall(session, 'apps.install', { serverId: SERVER, source: { compose: compose(home.images[0]) }, name: APP })
    await expect.poll(async () => (await coreCall(session, 'jobs.get', { id: jobId })).state, { timeout: 120_000 }).not.toBe('running')
    expect(await appState()).toBe('running')
    await inVolume(home, VOLUME, `yes 'notes of ${APP}' | head -n 2000 > /data/notes.txt`)
    await openBackups(page, SERVER)
    await page.getByTestId('repo-add').click()
    await page.getByTestId('repo-dialog').waitFor()
    await page.getByTestId('repo-name').fill(REPO)
    // A relative folder: refused with the reason, nothing added.
    await page.getByTestId('repo-path').fill('backups/here')
    await page.getByTestId('repo-submit').click()
    await expect.poll(() => page.getByTestId('repo-error').textContent(), { timeout: 30_000 }).toContain('absolute path')
    await page.getByTestId('repo-path').fill(path.join(scratch, 'repo'))
    await page.getByTestId('repo-submit').click()
    // Initialised and checked by restic on the server; the generated password is shown once.
    await page.getByTestId('repo-generated').waitFor({ timeout: 120_000 })
    expect((await page.getByTestId('repo-generated-password').textContent())?.trim().length).toBeGreaterThanOrEqual(24)
    await page.getByTestId('repo-done').click()
    const repoRow = page.locator(`[data-testid="repo-row"][data-name="${REPO}"]`)
    await repoRow.waitFor()
    expect(fs.existsSync(path.join(scratch, 'repo', 'config'))).toBe(true)
    await repoRow.getByTestId('repo-check').click()
    await repoRow.getByTestId('repo-check-ok').waitFor({ timeout: 120_000 })
  })

  it('shows the host key an SFTP host presents for comparison, and saves nothing unless it is trusted', async () => {
    // The server's backup key, to authorise on the host, is made and shown.
    await openSftpRepository(page, `${APP}-sftp`)
    await submitSftpRepository(page, home, path.join(scratch, 'sftp'))
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('repo-dialog').count()).toBe(0)
    expect(await page.locator(`[data-testid="repo-row"][data-name="${APP}-sftp"]`).count()).toBe(0)
  })

  it('sets the app\'s policy in a dialog that Escape closes, with Umbrel\'s retention by default', async () => {
    await appRow().getByTestId('backup-policy-edit').click()
    await page.getByTestId('policy-dialog').waitFor()
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('policy-dialog').count()).toBe(0)

    await appRow().getByTestId('backup-policy-edit').click()
    await page.getByTestId('policy-dialog').waitFor()
    expect(await page.getByTestId('policy-keep-hourly').inputValue()).toBe('24')
    await page.getByTestId('policy-repository').click()
    await page.locator('.n-base-select-option', { hasText: `${REPO} (` }).click()
    await page.getByTestId('policy-save').click()
    await expect.poll(() => appRow().getAttribute('data-policy'), { timeout: 30_000 }).toBe('set')
    const policy = await coreCall(session, 'backups.policyGet', { serverId: SERVER, app: APP })
    expect(policy).toMatchObject({ repository: REPO, consistency: 'stop' })
  })

  it('runs a backup: the bar reaches 100 %, the downtime is shown, and the snapshot is listed', async () => {
    await appRow().getByTestId('backup-run').click()
    const bar = appRow().getByTestId('backup-progress')
    await expectSucceeded(bar)
    expect(await bar.getAttribute('data-percent')).toBe('100')
    expect(await appRow().getByTestId('backup-outcome').textContent()).toMatch(/app down/)
    await expect.poll(() => appRow().getByTestId('backup-last').textContent(), { timeout: 30_000 }).toMatch(/stored .+ new/)
    await session.screenshot('backups-01-after-run')

    await appRow().getByTestId('backup-browse').click()
    const row = page.locator(`[data-testid="snapshot-row"][data-app="${APP}"]`)
    await row.first().waitFor({ timeout: 60_000 })
    expect(await row.count()).toBe(1)
    expect(await appState()).toBe('running')
  })

  it('restores the snapshot into the app after a confirmation naming what is replaced; the file is back on the server', async () => {
    await inVolume(home, VOLUME, 'echo changed > /data/notes.txt')
    expect(await fileSha()).not.toBe(sha256(CONTENT))

    await page.locator(`[data-testid="snapshot-row"][data-app="${APP}"]`).first().getByTestId('snapshot-restore').click()
    await page.getByTestId('restore-dialog').waitFor()
    expect(await page.getByTestId('restore-replaced').textContent()).toContain(`volume ${VOLUME}`)
    expect(await page.getByTestId('restore-submit').isDisabled()).toBe(true)
    await page.getByTestId('restore-confirm-name').fill(APP)
    await page.getByTestId('restore-submit').click()
    await expectSucceeded(page.getByTestId('restore-dialog').getByTestId('job-progress'))
    await session.screenshot('backups-02-restored')
    await page.getByTestId('restore-close').click()

    expect(await fileSha()).toBe(sha256(CONTENT))
    expect(await appState()).toBe('running')
  })

  it('drills: the latest snapshot restores and matches, and the row shows the proven restore', async () => {
    expect(await appRow().getByTestId('backup-proven').textContent()).toContain('never')
    await appRow().getByTestId('backup-drill').click()
    await expectSucceeded(appRow().locator('[data-testid="backup-progress"][data-kind="drill"]'))
    await expect.poll(() => appRow().getByTestId('backup-proven').textContent(), { timeout: 30_000 }).not.toContain('never')
  })

  it('restores the snapshot as a clone under a new name, which runs with the snapshot\'s data', async () => {
    await page.locator(`[data-testid="snapshot-row"][data-app="${APP}"]`).first().getByTestId('snapshot-restore').click()
    await page.getByTestId('restore-dialog').waitFor()
    await page.getByTestId('restore-clone').click()
    // A clone replaces nothing: no confirmation asked.
    expect(await page.getByTestId('restore-replaced').count()).toBe(0)
    await page.getByTestId('restore-clone-name').fill(CLONE)
    await page.getByTestId('restore-submit').click()
    await expectSucceeded(page.getByTestId('restore-dialog').getByTestId('job-progress'))
    expect(await appState(CLONE)).toBe('running')
    expect(await fileSha(`${CLONE}_data`)).toBe(sha256(CONTENT))
    // Opening the clone from the dialog: its page finds it among the server's apps.
    await page.getByTestId('restore-open').click()
    await expect.poll(() => page.getByTestId('restore-dialog').count()).toBe(0)
    await expect.poll(() => page.getByTestId('app-page').getAttribute('data-app'), { timeout: 30_000 }).toBe(CLONE)
    await page.getByTestId('panel-overview').waitFor({ timeout: 30_000 })
    await page.goBack()
    await page.getByTestId('backups-page').waitFor()
  })

  it('shows the last backup on the app page, linking to the Backups page', async () => {
    await appRow().getByRole('link', { name: APP }).click()
    const summary = page.getByTestId('app-backups-summary')
    await expect.poll(() => summary.getAttribute('data-policy'), { timeout: 30_000 }).toBe('set')
    expect(await summary.textContent()).not.toContain('none from this computer')
    await page.getByTestId('app-backups-link').click()
    await page.getByTestId('backups-page').waitFor()
  })
  it('refuses to remove a repository a policy uses; after Stop backing up, removes it (its data stays)', async () => {
    const repoRow = page.locator(`[data-testid="repo-row"][data-name="${REPO}"]`)
    await repoRow.getByTestId('repo-remove').click()
    await page.getByTestId('repo-remove-confirm-yes').click()
    await page.getByTestId('repo-action-error').waitFor({ timeout: 30_000 })
    expect(await repoRow.count()).toBe(1)

    await appRow().getByTestId('backup-policy-edit').click()
    await page.getByTestId('policy-remove').click()
    await expect.poll(() => appRow().getAttribute('data-policy'), { timeout: 30_000 }).toBe('none')
    await repoRow.getByTestId('repo-remove').click()
    await page.getByTestId('repo-remove-confirm-yes').click()
    await expect.poll(() => repoRow.count(), { timeout: 30_000 }).toBe(0)
    expect(fs.existsSync(path.join(scratch, 'repo', 'config'))).toBe(true)
  })

  it('adds a repository on another Homeport server (sudo asked once), then removes it and its user there', async () => {
    otherSshd = await startDropinSshd('e2e')
    sudoUser = await freshSudoUser(home.dockerHost, 'bke2e')
    await coreCall(session, 'servers.add', { name: OTHER, host: '127.0.0.1', port: otherSshd.port, user: sudoUser.name, authMethod: 'password', secret: sudoUser.password, hostKey: otherSshd.hostKeyFingerprint })
    await page.reload()
    await openBackups(page, SERVER)
    await page.getByTestId('repo-add').click()
    await page.getByTestId('repo-name').fill(OTHER)
    await page.getByTestId('repo-kind-homeport').click()
    await page.getByTestId('repo-target-server').click()
    await page.locator('.n-base-select-option', { hasText: OTHER }).click()
    await page.getByTestId('repo-path').fill(OTHER_FOLDER)
    const sudoPassword = sudoUser.password
    const sudoOnce = async () => {
      // The core asks for the other server's sudo password once, through the window's password prompt.
      await expect.poll(() => page.getByTestId('prompt-dialog').getAttribute('data-kind'), { timeout: 60_000 }).toBe('password')
      await page.getByTestId('prompt-secret').fill(sudoPassword)
      await page.getByTestId('prompt-submit').click()
    }
    // An address from the server where another server answers (the main test sshd) is refused, naming it.
    await page.getByTestId('repo-target-host').fill(`127.0.0.1:${home.sshPort}`)
    await page.getByTestId('repo-submit').click()
    await sudoOnce()
    await expect.poll(() => page.getByTestId('repo-error').textContent(), { timeout: 120_000 }).toContain(`127.0.0.1:${home.sshPort} is not ${OTHER}`)
    expect(backupUser()).toBe('')
    // Reached at another name than this computer uses, as a LAN address would be.
    await page.getByTestId('repo-target-host').fill(`localhost:${otherSshd.port}`)
    await session.screenshot('backups-homeport-repository')
    await page.getByTestId('repo-submit').click()
    await sudoOnce()
    await page.getByTestId('repo-generated').waitFor({ timeout: 120_000 })
    await page.getByTestId('repo-done').click()
    const row = page.locator(`[data-testid="repo-row"][data-name="${OTHER}"]`)
    expect(await row.getByTestId('repo-target').textContent()).toContain(`on ${OTHER} as hp-backup-${SERVER}`)
    expect(await row.textContent()).toContain(`sftp:hp-backup-${SERVER}@localhost:/data`)
    expect(backupUser()).toContain(OTHER_FOLDER)
    expect(fs.readdirSync(otherSshd.dropins)).toEqual([`homeport-backup-${SERVER}.conf`])

    // Keep undoes nothing; the confirmation offers to remove the user there (ticked), sudo is asked again.
    await row.getByTestId('repo-remove').click()
    await page.getByTestId('repo-remove-confirm-no').click()
    expect(await row.count()).toBe(1)
    await row.getByTestId('repo-remove').click()
    expect(await page.getByTestId('repo-remove-on-target').textContent()).toContain(`hp-backup-${SERVER}`)
    await page.getByTestId('repo-remove-confirm-yes').click()
    await expect.poll(() => page.getByTestId('prompt-dialog').getAttribute('data-kind'), { timeout: 60_000 }).toBe('password')
    await page.getByTestId('prompt-secret').fill(sudoUser.password)
    await page.getByTestId('prompt-submit').click()
    await expect.poll(() => row.count(), { timeout: 60_000 }).toBe(0)
    expect(backupUser()).toBe('')
    expect(fs.readdirSync(otherSshd.dropins)).toEqual([])
  })

})
