// Set-up end to end: the built renderer in headless Chromium through the web host, against the real core and
// the test home server. A fresh user as a new server has one (a password, sudo that asks for it, not in
// group docker) is added through the Add-server dialog with its password; set-up follows, shows the plan
// with the sudo command it will run; the server page offers set-up instead of a Docker error; set-up refuses
// a wrong sudo password without changing anything, then runs with the right one. The server itself is checked afterwards: the group, the key in authorized_keys, and
// a container started there showing on the server page through the SSH tunnel.

import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { release } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ERROR_CODES } from '../../shared/errors.js'
import { docker, useHomeServer } from '../homeserver/helpers.js'
import { freshSudoUser, type SudoUser } from '../homeserver/sudo-user.js'
import { continueToHostKey, fillServer, openAddDialog } from './add-server-steps.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const SERVER = `e2e-setup-${process.pid}`
const CONTAINER = `e2e-setup-${process.pid}-sleeper`
/** Docker's events reach the window through the core with no reload; a busy machine may take its time. */
const LIVE_TIMEOUT_MS = 30_000
/** Set-up makes a key, logs in with it, runs sudo, logs in again and installs the agent: seconds, on a busy machine more. */
const SETUP_WITHIN_MS = 90_000

let session: E2eSession
let page: Page
let user: SudoUser

const groupsOf = (name: string) => execFileSync('id', ['-Gn', name], { encoding: 'utf8' }).trim().split(/\s+/)
const authorizedKeys = () => {
  const file = join(user.home, '.ssh/authorized_keys')
  return existsSync(file) ? readFileSync(file, 'utf8') : ''
}

/** Both themes; animations that run until a job ends (the progress bars' shimmer) do not hold the shot back. */
async function screenshots(name: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme })
    await expect.poll(() => page.getByTestId('app-shell').getAttribute('data-theme')).toBe(theme)
    await expect.poll(() => page.evaluate('document.getAnimations().filter((a) => a.playState === "running" && a.effect?.getTiming().iterations !== Infinity).length')).toBe(0)
    await session.screenshot(`setup-${name}-${theme}`)
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

describe('setting up a server in the window', () => {
  beforeAll(async () => {
    user = await freshSudoUser(home.dockerHost, 'e2e')
    await docker(['rm', '-f', CONTAINER]).catch(() => '')
    session = await startE2e()
    page = session.page
    // Tall enough for the whole plan in one screenshot (the page scrolls inside the window, not the document).
    await page.setViewportSize({ width: 1280, height: 1700 })
  })

  afterAll(async () => {
    await docker(['rm', '-f', CONTAINER]).catch(() => '')
    await session?.close()
    await user?.remove()
  })

  it('adds the server with its password and goes on to set-up, whose plan shows the commands first', async () => {
    await openAddDialog(page)
    await fillServer(page, home, { name: SERVER, auth: 'password', secret: user.password, user: user.name })
    await continueToHostKey(page)
    expect(await page.getByTestId('hostkey-fingerprint').textContent()).toBe(home.hostKeyFingerprint)
    await page.getByTestId('hostkey-accept').click()

    // Set-up follows the add; an error left in the dialog instead fails with its own words.
    await page.locator('[data-testid="setup-page"], [data-testid="add-error"]').first().waitFor({ timeout: 60_000 })
    if (await page.getByTestId('add-error').isVisible()) throw new Error(`adding the server failed: ${await page.getByTestId('add-error').textContent()}`)
    const group = page.getByTestId('plan-step-group')
    await group.waitFor({ timeout: 60_000 })
    expect(await group.getAttribute('data-status')).toBe('todo')
    expect(await group.getByTestId('plan-command').allTextContents()).toContain(`sudo usermod -aG docker ${user.name}`)
    expect(await group.locator('[data-testid="plan-command"][data-sudo]').allTextContents()).toEqual([`sudo usermod -aG docker ${user.name}`])
    expect(await page.getByTestId('plan-step-key').getAttribute('data-status')).toBe('todo')
    expect(await page.getByTestId('plan-step-password-login').getAttribute('data-status')).toBe('skipped')
    expect(await page.getByTestId('setup-disable-password').getAttribute('aria-checked')).toBe('false')
    // The plan asks for the sudo password, and the field has the focus: typing and Enter run set-up.
    const password = page.getByTestId('setup-sudo-password')
    expect(await password.getAttribute('type')).toBe('password')
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('setup-sudo-password')
    await screenshots('01-plan')

    // Nothing ran yet: no key, no group.
    expect(authorizedKeys().trim()).toBe('')
    expect(groupsOf(user.name)).not.toContain('docker')
  })

  it('offers set-up on the server page instead of a Docker error, and goes back to the plan from there', async () => {
    await page.getByTestId(`server-item-${SERVER}`).click()
    await page.getByTestId('server-page').waitFor()
    const offer = page.getByTestId('setup-offer')
    await offer.waitFor({ timeout: 30_000 })
    await expect.poll(() => offer.getByTestId('setup-reason').allTextContents(), { timeout: 30_000 }).toContain(`${user.name} is not in group docker, so Homeport cannot reach Docker.`)
    expect(await page.getByTestId('docker-error').count()).toBe(0)
    expect(await page.getByTestId('fact-os').textContent()).toMatch(/Debian/)
    await screenshots('02-server-offer')

    await offer.getByTestId('setup-open').click()
    await page.getByTestId('plan-step-group').waitFor({ timeout: 60_000 })
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('setup-sudo-password')
  })

  it('shows SUDO_AUTH_FAILED for a wrong sudo password, changes nothing, and asks for it again', async () => {
    const password = page.getByTestId('setup-sudo-password')
    await password.fill(`${user.password}-wrong`)
    await password.press('Enter')

    const error = page.getByTestId('setup-last-error')
    await error.waitFor({ timeout: 60_000 })
    expect(await error.getAttribute('data-code')).toBe('SUDO_AUTH_FAILED')
    expect(await error.getByTestId('error-message').textContent()).toBe(ERROR_CODES.SUDO_AUTH_FAILED.message)
    // Back on the plan, with an empty field that has the focus again.
    expect(await password.inputValue()).toBe('')
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('setup-sudo-password')
    expect(await page.getByTestId('setup-run-button').textContent()).toContain('Run again')
    await screenshots('03-wrong-sudo-password')

    expect(groupsOf(user.name)).not.toContain('docker')
    expect(authorizedKeys().trim()).toBe('')
  })

  it('runs set-up with the right password and ends with the summary', async () => {
    const password = page.getByTestId('setup-sudo-password')
    await password.fill(user.password)
    await page.getByTestId('setup-run-button').click()

    await page.getByTestId('setup-run').waitFor({ timeout: 30_000 })
    const run = page.getByTestId('setup-run')
    // The run as it goes, usually mid-way (how far depends on the machine; nothing is asserted on it).
    await session.screenshot('setup-04-running')
    await expect.poll(() => run.getAttribute('data-state'), { timeout: SETUP_WITHIN_MS, interval: 500 }).not.toBe('running')
    if ((await run.getAttribute('data-state')) !== 'succeeded') {
      throw new Error(`set-up ended ${await run.getAttribute('data-state')}: ${await page.getByTestId('setup-error').textContent().catch(() => '')}\n${await page.getByTestId('setup-log').textContent()}`)
    }
    const summary = page.getByTestId('setup-summary')
    await summary.waitFor()
    expect(await page.getByTestId('summary-os').textContent()).toMatch(/Debian/)
    const keyFile = (await page.getByTestId('summary-key').textContent())!.trim()
    expect(keyFile.startsWith(join(session.dataDir, 'keys', '/'))).toBe(true)
    for (const id of ['key', 'group']) expect(await page.getByTestId(`setup-step-${id}`).getAttribute('data-phase')).toBe('done')
    // The agent and the tunnel check may be in place by then: the core installs the agent on the first call
    // that needs it, and the tunnel answers as soon as the new login has the group.
    for (const id of ['agent', 'verify']) expect(['done', 'already-done']).toContain(await page.getByTestId(`setup-step-${id}`).getAttribute('data-phase'))
    expect(await page.getByTestId('setup-step-connect').getAttribute('data-phase')).toBe('already-done')
    expect(await page.getByTestId('setup-step-password-login').getAttribute('data-phase')).toBe('skipped')

    const log = (await page.getByTestId('setup-log').textContent()) ?? ''
    expect(log).toContain(`$ sudo usermod -aG docker ${user.name}`)
    expect(log).not.toContain(user.password)
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('setup-open-server')
    await screenshots('05-summary')

    // On the server: the user is in group docker and logs in with the new key.
    expect(groupsOf(user.name)).toContain('docker')
    const publicKey = readFileSync(`${keyFile}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')
    expect(authorizedKeys()).toContain(publicKey)
  })

  it('opens the server, whose facts and containers come through the tunnel on the new key', async () => {
    await docker(['run', '-d', '--name', CONTAINER, home.images[0], '/bin/busybox', 'sleep', '300'])
    await page.getByTestId('setup-open-server').click()
    await page.getByTestId('server-page').waitFor()

    const row = page.getByTestId(`container-row-${CONTAINER}`)
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1)
    await expect.poll(() => row.getByTestId('container-state').textContent(), { timeout: LIVE_TIMEOUT_MS }).toBe('running')
    const serverVersion = (await docker(['version', '--format', '{{.Server.Version}}'])).trim()
    expect(await page.getByTestId('docker-version').textContent()).toBe(serverVersion)
    await expect.poll(() => page.getByTestId('fact-docker').textContent(), { timeout: 30_000 }).toBe(serverVersion)
    const processors = readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((line) => /^processor\s*:/.test(line)).length
    expect(await page.getByTestId('fact-cpus').textContent()).toBe(String(processors))
    // The rest of what the agent's hello says, against this machine (the server) itself.
    expect(await page.getByTestId('fact-kernel').textContent()).toBe(`${release()} (${execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim()})`)
    const memTotal = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024
    expect(await page.getByTestId('fact-memory').textContent()).toMatch(new RegExp(`^${(memTotal / 1024 ** 3).toFixed(1)} GiB`))
    expect(await page.getByTestId('fact-mounts').locator('code').allTextContents()).toContain('/')
    expect(await page.getByTestId('setup-offer').count()).toBe(0)
    await screenshots('06-server-ready')
  })
})
