// The window end to end: the built renderer in headless Chromium, through the web host, against the real
// core and the test home server. Adds a server by typing into the Add-server dialog, checks the host key
// fingerprint against the server's own, and follows a container the test starts and stops with the
// docker CLI on the server's engine.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ERROR_CODES } from '../../shared/errors.js'
import { docker, removeTestContainers, sshdLogSince, sshdLogSize, swapHostKey, useHomeServer } from '../homeserver/helpers.js'
import { continueToHostKey, fillServer, openAddDialog } from './add-server-steps.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const PREFIX = `e2e-servers-${process.pid}-`
/** Docker's events reach the window through the core with no reload; a busy machine may take its time. */
const LIVE_TIMEOUT_MS = 30_000

let session: E2eSession
let page: Page

/**
 * Screenshots of the current view in both themes. The window follows the OS theme by default, so the
 * emulated colour scheme switches it even while a dialog covers the header's theme buttons.
 */
async function screenshots(name: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme })
    await expect.poll(() => page.getByTestId('app-shell').getAttribute('data-theme')).toBe(theme)
    // Naive UI fades colours between themes: shoot once every transition has finished.
    await expect.poll(() => page.evaluate('document.getAnimations().length')).toBe(0)
    await session.screenshot(`${name}-${theme}`)
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

describe('servers in the window', () => {
  beforeAll(async () => {
    session = await startE2e()
    page = session.page
  })

  afterAll(async () => {
    await removeTestContainers(PREFIX).catch(() => undefined)
    await session?.close()
  })

  it('switches between light and dark from the header and follows the OS on System', async () => {
    const shell = page.getByTestId('app-shell')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.getByTestId('theme-dark').click()
    await expect.poll(() => shell.getAttribute('data-theme')).toBe('dark')
    await session.screenshot('00-empty-dark')
    await page.getByTestId('theme-light').click()
    await expect.poll(() => shell.getAttribute('data-theme')).toBe('light')
    await session.screenshot('00-empty-light')
    await page.getByTestId('theme-system').click()
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => shell.getAttribute('data-theme')).toBe('dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await expect.poll(() => shell.getAttribute('data-theme')).toBe('light')
  })

  it('opens the Add-server dialog with Ctrl+N, focuses its first field and closes it on Escape', async () => {
    await openAddDialog(page)
    await expect.poll(() => page.evaluate(`document.activeElement?.closest('[data-testid="add-sshconfig"]') !== null`)).toBe(true)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('add-server-dialog').count()).toBe(0)
  })

  it('shows AUTH_FAILED with its hint at the password field for a wrong password, and keeps no server', async () => {
    const logOffset = await sshdLogSize()
    await openAddDialog(page)
    await fillServer(page, home, { name: `${PREFIX}badpw`, auth: 'password', secret: 'not-the-password' })
    await continueToHostKey(page)
    expect(await page.getByTestId('hostkey-fingerprint').textContent()).toBe(home.hostKeyFingerprint)
    await page.getByTestId('hostkey-accept').click()

    // Shown at the password it concerns: the message naming the server, then the hint.
    const feedback = page.getByTestId('field-secret').locator('.n-form-item-feedback')
    await expect.poll(() => feedback.textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^${home.user}@.* refused the login\\. `))
    expect(await feedback.textContent()).toContain(ERROR_CODES.AUTH_FAILED.hint)
    await screenshots('01-wrong-password')

    // The server really refused a password for our user, and the failed server was not kept.
    expect(await sshdLogSince(logOffset)).toMatch(new RegExp(`Failed password for ${home.user}`))
    expect(await page.getByTestId(`server-item-${PREFIX}badpw`).count()).toBe(0)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('add-server-dialog').count()).toBe(0)
  })

  it('adds a server by key, shows its host key fingerprint, and connects after Accept', async () => {
    const name = `${PREFIX}key`
    await openAddDialog(page)
    await fillServer(page, home, { name, auth: 'key', identityFile: home.keys.ed25519 })
    await screenshots('02-add-server')
    await continueToHostKey(page)

    const dialog = page.getByTestId('hostkey-dialog')
    expect(await page.getByTestId('hostkey-fingerprint').textContent()).toBe(home.hostKeyFingerprint)
    expect(await page.getByTestId('hostkey-target').textContent()).toBe(`${home.host}:${home.sshPort}`)
    expect(await dialog.getAttribute('data-status')).toBe('unknown')
    await screenshots('03-host-key')
    await page.getByTestId('hostkey-accept').click()

    const state = page.getByTestId(`server-state-${name}`)
    await expect.poll(() => state.textContent(), { timeout: 20_000 }).toBe('Connected')
    expect(await state.getAttribute('data-state')).toBe('ready')

    // The overview shows the engine the server really runs.
    const serverVersion = (await docker(['version', '--format', '{{.Server.Version}}'])).trim()
    await expect.poll(() => page.getByTestId('docker-version').textContent(), { timeout: 20_000 }).toBe(serverVersion)
    expect(await page.getByTestId('docker-transport').textContent()).toMatch(/^(stream-local|dial-stdio)$/)
    await screenshots('04-connected')
  })

  it('shows a container started on the server without a reload, and its state change when it stops', async () => {
    const container = `${PREFIX}sleeper`
    const image = home.images[0]
    expect(image).toBeTruthy()
    // Evaluated in the page (this file has no DOM types): a marker that a reload would wipe.
    await page.evaluate(`window.e2eMarker = 'same page'`)

    await docker(['run', '-d', '--name', container, image, '/bin/busybox', 'sleep', '300'])
    const row = page.getByTestId(`container-row-${container}`)
    await expect.poll(() => row.count(), { timeout: LIVE_TIMEOUT_MS }).toBe(1)
    await expect.poll(() => row.getByTestId('container-state').textContent(), { timeout: LIVE_TIMEOUT_MS }).toBe('running')
    expect(await row.textContent()).toContain(image)
    await screenshots('05-container-running')

    await docker(['stop', '--time', '1', container])
    expect((await docker(['inspect', '--format', '{{.State.Status}}', container])).trim()).toBe('exited')
    await expect.poll(() => row.getByTestId('container-state').textContent(), { timeout: LIVE_TIMEOUT_MS }).toBe('exited')
    await screenshots('06-container-exited')

    // Nothing above reloaded the page: the marker set before the container existed is still there.
    expect(await page.evaluate('window.e2eMarker')).toBe('same page')
  })

  it('refuses a changed host key until the user replaces it, showing both fingerprints', async () => {
    await swapHostKey('alternate')
    try {
      const alert = page.getByTestId('server-error')
      await expect.poll(() => alert.getAttribute('data-code'), { timeout: 30_000 }).toBe('HOST_KEY_MISMATCH')
      expect(await alert.textContent()).toContain(home.alternateHostKeyFingerprint)
      await screenshots('07-host-key-changed')
      await page.getByTestId('replace-hostkey').click()
      await expect.poll(() => page.getByTestId('replace-hostkey-new').textContent(), { timeout: 20_000 }).toBe(home.alternateHostKeyFingerprint)
      expect(await page.getByTestId('replace-hostkey-old').textContent()).toBe(home.hostKeyFingerprint)
      // Nothing is replaced until the user says they checked the fingerprint.
      expect(await page.getByTestId('replace-hostkey-confirm').isDisabled()).toBe(true)
      await screenshots('08-replace-host-key')
      await page.getByTestId('replace-hostkey-checked').click()
      await page.getByTestId('replace-hostkey-confirm').click()
      await expect.poll(() => page.getByTestId('server-page-state').textContent(), { timeout: 30_000 }).toBe('Connected')
    } finally {
      await swapHostKey('original')
    }
  })
})
