// The window end to end: the built renderer in headless Chromium, through the web host, against the real
// core and the test home server. Adds a server by typing into the Add-server dialog, checks the host key
// fingerprint against the server's own, and follows a container the test starts and stops with the
// docker CLI on the server's engine.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ERROR_CODES } from '../../shared/errors.js'
import { docker, removeTestContainers, sshdLogSince, sshdLogSize, useHomeServer } from '../../test/homeserver/helpers.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const PREFIX = `e2e-servers-${process.pid}-`
/** Docker's events reach the window through the core; the issue allows them this long. */
const LIVE_WITHIN_MS = 5_000

let session: E2eSession
let page: Page

async function setTheme(theme: 'light' | 'dark'): Promise<void> {
  await page.getByTestId(`theme-${theme}`).click()
  await expect.poll(() => page.getByTestId('app-shell').getAttribute('data-theme')).toBe(theme)
}

/** Screenshots of the current view in both themes, leaving the window light. */
async function screenshots(name: string): Promise<void> {
  await setTheme('light')
  await session.screenshot(`${name}-light`)
  await setTheme('dark')
  await session.screenshot(`${name}-dark`)
  await setTheme('light')
}

async function openAddDialog(): Promise<void> {
  await page.locator('body').press('Control+n')
  await page.getByTestId('add-server-dialog').waitFor()
}

async function fillServer(fields: { name: string; auth: 'key' | 'password'; identityFile?: string; secret?: string }): Promise<void> {
  await page.getByTestId('add-name').fill(fields.name)
  await page.getByTestId('add-host').fill(home.host)
  await page.getByTestId('add-port').fill(String(home.sshPort))
  await page.getByTestId('add-user').fill(home.user)
  await page.getByTestId(`auth-${fields.auth}`).click()
  if (fields.identityFile !== undefined) await page.getByTestId('add-identity').fill(fields.identityFile)
  if (fields.secret !== undefined) await page.getByTestId('add-secret').fill(fields.secret)
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

  it('opens the Add-server dialog with Ctrl+N, focuses its first field and closes it on Escape', async () => {
    await openAddDialog()
    await expect.poll(() => page.evaluate(`document.activeElement?.closest('[data-testid="add-sshconfig"]') !== null`)).toBe(true)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('add-server-dialog').count()).toBe(0)
  })

  it('shows AUTH_FAILED with its hint in the dialog for a wrong password, and keeps no server', async () => {
    const logOffset = await sshdLogSize()
    await openAddDialog()
    await fillServer({ name: `${PREFIX}badpw`, auth: 'password', secret: 'not-the-password' })
    await page.getByTestId('add-submit').click()
    await expect(page.getByTestId('hostkey-fingerprint').textContent()).resolves.toBe(home.hostKeyFingerprint)
    await page.getByTestId('hostkey-accept').click()

    const error = page.getByTestId('add-error')
    await error.waitFor()
    expect(await error.getAttribute('data-code')).toBe('AUTH_FAILED')
    expect((await error.getByTestId('error-message').textContent())?.trim()).not.toBe('')
    expect(await error.getByTestId('error-hint').textContent()).toBe(ERROR_CODES.AUTH_FAILED.hint)
    await screenshots('01-wrong-password')

    // The server really refused a password for our user, and the failed server was not kept.
    expect(await sshdLogSince(logOffset)).toMatch(new RegExp(`Failed password for ${home.user}`))
    expect(await page.getByTestId(`server-item-${PREFIX}badpw`).count()).toBe(0)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('add-server-dialog').count()).toBe(0)
  })

  it('adds a server by key, shows its host key fingerprint, and connects after Accept', async () => {
    const name = `${PREFIX}key`
    await openAddDialog()
    await fillServer({ name, auth: 'key', identityFile: home.keys.ed25519 })
    await screenshots('02-add-server')
    await page.getByTestId('add-submit').click()

    const dialog = page.getByTestId('hostkey-dialog')
    await dialog.waitFor()
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
    await expect.poll(() => row.count(), { timeout: LIVE_WITHIN_MS }).toBe(1)
    await expect.poll(() => row.getByTestId('container-state').textContent(), { timeout: LIVE_WITHIN_MS }).toBe('running')
    expect(await row.textContent()).toContain(image)
    await screenshots('05-container-running')

    await docker(['stop', '--time', '1', container])
    expect((await docker(['inspect', '--format', '{{.State.Status}}', container])).trim()).toBe('exited')
    await expect.poll(() => row.getByTestId('container-state').textContent(), { timeout: LIVE_WITHIN_MS }).toBe('exited')
    await screenshots('06-container-exited')

    // Nothing above reloaded the page: the marker set before the container existed is still there.
    expect(await page.evaluate('window.e2eMarker')).toBe('same page')
  })
})
