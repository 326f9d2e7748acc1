// The Add-server dialog when things go wrong, in Chromium against the test home server: every problem is
// named at the field it concerns with the focus moved there, nothing is changed behind the person's back
// (a port is not clamped, a password does not become a passphrase), and a failed attempt keeps the draft and
// the host key already accepted, so a retry asks nothing again.

import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { useHomeServer } from '../homeserver/helpers.js'
import { continueToHostKey, fillServer, openAddDialog } from './add-server-steps.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const PREFIX = `e2e-dialog-${process.pid}-`

let session: E2eSession
let page: Page

const feedback = (field: string) => page.getByTestId(`field-${field}`).locator('.n-form-item-feedback')
const focusedTestId = () => page.evaluate(`document.activeElement?.getAttribute('data-testid') ?? null`)
const dialogText = () => page.getByTestId('add-server-dialog').textContent()

/** A loopback port nothing listens on: taken from the OS and let go again. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A screenshot once the field messages have finished fading in. */
async function shoot(name: string): Promise<void> {
  await expect.poll(() => page.evaluate('document.getAnimations().length')).toBe(0)
  await session.screenshot(name)
}

/**
 * Pairs of (error text, label or input) in the dialog whose boxes cross: a message must push what follows
 * down, never be drawn over the next label.
 */
const OVERLAPS = `(() => {
  const dialog = document.querySelector('[data-testid="add-server-dialog"]')
  const shown = (selector) => [...dialog.querySelectorAll(selector)].filter((e) => e.textContent.trim() || e.matches('input, textarea')).map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0)
  const errors = shown('.n-form-item-feedback, [data-testid="address-problem"]')
  const others = shown('.n-form-item-label, input, textarea')
  const cross = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5
  return errors.flatMap((e) => others.filter((o) => cross(e, o))).length
})()`

async function closeDialog(): Promise<void> {
  await page.keyboard.press('Escape')
  await expect.poll(() => page.getByTestId('add-server-dialog').count()).toBe(0)
}

describe('the Add-server dialog when something is wrong', () => {
  beforeAll(async () => {
    session = await startE2e()
    page = session.page
  })
  afterAll(async () => {
    await session?.close()
  })

  it('refuses a port out of range at the field, keeping what was typed', async () => {
    await openAddDialog(page)
    await fillServer(page, home, { name: `${PREFIX}port`, auth: 'key', identityFile: home.keys.ed25519 })
    await page.getByTestId('add-port').fill('70000')
    await page.getByTestId('add-submit').click()
    await expect.poll(() => page.getByTestId('address-problem').textContent()).toBe('Port must be a whole number from 1 to 65535.')
    expect(await page.getByTestId('add-port').inputValue()).toBe('70000')
    await expect.poll(focusedTestId).toBe('add-port')
    expect(await page.getByTestId('hostkey-dialog').count()).toBe(0)
    await shoot('dialog-port-out-of-range')
    expect(await page.evaluate(OVERLAPS)).toBe(0)
    await closeDialog()
  })

  it('names a missing key file at its field before any host-key question', async () => {
    const missing = `/tmp/${PREFIX}no-such-key`
    await openAddDialog(page)
    await fillServer(page, home, { name: `${PREFIX}nokey`, auth: 'key', identityFile: missing })
    await page.getByTestId('add-submit').click()
    await expect.poll(() => feedback('identity').textContent()).toContain(`The key file ${missing} does not exist.`)
    await expect.poll(focusedTestId).toBe('add-identity')
    expect(await page.getByTestId('hostkey-dialog').count()).toBe(0)
    expect(await page.getByTestId('add-error').count()).toBe(0)
    expect(await page.evaluate(OVERLAPS)).toBe(0)
    await closeDialog()
  })

  it('asks for the passphrase of a protected key, and names a wrong one, at the passphrase field', async () => {
    await openAddDialog(page)
    await fillServer(page, home, { name: `${PREFIX}enc`, auth: 'key', identityFile: home.keys.encrypted })
    await page.getByTestId('add-submit').click()
    await expect.poll(() => feedback('secret').textContent()).toBe('This key is protected by a passphrase: type it here.')
    await expect.poll(focusedTestId).toBe('add-secret')
    await page.getByTestId('add-secret').fill(`${home.keys.encryptedPassphrase}-not`)
    await page.getByTestId('add-submit').click()
    await expect.poll(() => feedback('secret').textContent()).toContain(`The passphrase does not unlock the key ${home.keys.encrypted}.`)
    expect(await page.getByTestId('hostkey-dialog').count()).toBe(0)
    await closeDialog()
  })

  it('does not carry a password into the passphrase field when switching to a key', async () => {
    await openAddDialog(page)
    await page.getByTestId('auth-password').click()
    await page.getByTestId('add-secret').fill('typed-as-a-password')
    await page.getByTestId('auth-key').click()
    await expect.poll(() => page.getByTestId('add-secret').inputValue()).toBe('')
    await closeDialog()
  })

  it('shows a refused connection at the port, focused, without an internal "(probe)" user', async () => {
    const port = await closedPort()
    await openAddDialog(page)
    await fillServer(page, home, { name: `${PREFIX}closed`, auth: 'key', identityFile: home.keys.ed25519 })
    await page.getByTestId('add-port').fill(String(port))
    await page.getByTestId('add-name').focus()
    await page.getByTestId('add-submit').click()
    await expect.poll(() => page.getByTestId('address-problem').textContent(), { timeout: 30_000 }).toContain(`${home.host}:${port} refused the connection`)
    await expect.poll(focusedTestId).toBe('add-port')
    expect(await dialogText()).not.toContain('(probe)')
    await shoot('dialog-connection-refused')
    await closeDialog()
  })

  it('after a wrong password keeps the draft and the accepted host key: the retry connects without asking again', async () => {
    const name = `${PREFIX}retry`
    await openAddDialog(page)
    await fillServer(page, home, { name, auth: 'password', secret: 'not-the-password' })
    await continueToHostKey(page)
    expect(await page.getByTestId('hostkey-fingerprint').textContent()).toBe(home.hostKeyFingerprint)
    await page.getByTestId('hostkey-accept').click()

    // The refusal is shown at the password, which has the focus; the draft is all there.
    await expect.poll(() => feedback('secret').textContent(), { timeout: 30_000 }).toContain('refused the login')
    await expect.poll(focusedTestId).toBe('add-secret')
    expect(await page.getByTestId('add-error').count()).toBe(0)
    expect(await dialogText()).not.toContain('(probe)')
    expect(await page.getByTestId('add-name').inputValue()).toBe(name)
    expect(await page.getByTestId('add-host').inputValue()).toBe(home.host)
    expect(await page.getByTestId('add-port').inputValue()).toBe(String(home.sshPort))
    expect(await page.getByTestId(`server-item-${name}`).count()).toBe(0)
    await shoot('dialog-wrong-password')

    // The right password: Continue goes straight to connecting. A second host-key question would hold the
    // dialog open (nobody answers it), so the dialog closing and the server connecting prove there was none.
    await page.getByTestId('add-secret').fill(home.password)
    await page.getByTestId('add-submit').click()
    await expect.poll(() => page.getByTestId('add-server-dialog').count(), { timeout: 30_000 }).toBe(0)
    expect(await page.getByTestId('hostkey-dialog').count()).toBe(0)
    await expect.poll(() => page.getByTestId(`server-item-${name}`).count()).toBe(1)
    await expect.poll(() => page.getByTestId(`server-state-${name}`).getAttribute('data-state'), { timeout: 30_000 }).toBe('ready')
  })
})
