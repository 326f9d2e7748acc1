// Apps end to end: the built renderer in headless Chromium through the web host, against the real core and
// the test home server. Sets the registry mirror on the server page, installs a compose app through the
// install dialog (plan preview, then progress), follows it into the installed list, reads a line it printed
// in the logs viewer, runs a command in its terminal, fetches its page through the forward Open made, and
// removes it with its data — checking the server's Docker engine after every step.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { docker, useHomeServer } from '../homeserver/helpers.js'
import { confirmInstall, continueToHostKey, fillServer, openAddDialog } from './add-server-steps.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const SERVER = `e2e-apps-${process.pid}`
const APP = `e2e-apps-${process.pid}`
const WEB_PORT = 20_000 + (process.pid % 20_000)
const GREETING = `hp-e2e-hello-${process.pid}`
/** A stand-in pushed to the local registry under a name only this run uses, so the install really pulls it. */
const STAND_IN = `homeport/e2e-httpd:${process.pid}`
const COMPOSE = `services:
  web:
    image: docker.io/${STAND_IN}
    command: ["sh", "-c", "echo ${GREETING}; exec httpd -f -v -p 80 -h /www"]
    ports:
      - "127.0.0.1:\${WEB_PORT}:80"
    volumes:
      - data:/www/data
volumes:
  data:
`

let session: E2eSession
let page: Page

async function screenshots(name: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme })
    await expect.poll(() => page.getByTestId('app-shell').getAttribute('data-theme')).toBe(theme)
    await expect.poll(() => page.evaluate('document.getAnimations().filter((a) => a.playState === "running" && a.effect?.getTiming().iterations !== Infinity).length')).toBe(0)
    await session.screenshot(`apps-${name}-${theme}`)
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

async function projectContainers(): Promise<string[]> {
  const out = await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${APP}`, '--format', '{{.Names}} {{.State}}'])
  return out.split('\n').filter(Boolean).sort()
}

async function volumeExists(): Promise<boolean> {
  return (await docker(['volume', 'ls', '-q', '--filter', `name=^${APP}_data$`])).trim() !== ''
}

function tab(name: string) {
  return page.getByRole('tab', { name })
}

describe('apps in the window', () => {
  beforeAll(async () => {
    await docker(['rm', '-f', `${APP}-web-1`]).catch(() => '')
    await docker(['volume', 'rm', '-f', `${APP}_data`]).catch(() => '')
    // A layer of its own (2 MB of noise), so the pull downloads bytes rather than finding every layer present.
    await docker(['rm', '-f', `${APP}-standin`]).catch(() => '')
    await docker(['run', '--name', `${APP}-standin`, `${home.registry}/homeport/httpd:1`, 'sh', '-c', 'head -c 2000000 /dev/urandom > /www/noise.bin'])
    await docker(['commit', '--change', 'CMD ["httpd", "-f", "-v", "-p", "80", "-h", "/www"]', `${APP}-standin`, `${home.registry}/${STAND_IN}`])
    await docker(['rm', `${APP}-standin`])
    await docker(['push', '--quiet', `${home.registry}/${STAND_IN}`])
    await docker(['rmi', `${home.registry}/${STAND_IN}`])
    session = await startE2e()
    page = session.page
  })

  afterAll(async () => {
    await docker(['rm', '-f', `${APP}-web-1`]).catch(() => '')
    await docker(['network', 'rm', `${APP}_default`]).catch(() => '')
    await docker(['volume', 'rm', '-f', `${APP}_data`]).catch(() => '')
    await docker(['rmi', `${home.registry}/${STAND_IN}`]).catch(() => '')
    await session?.close()
  })

  it('adds the test server by key and sets its registry mirror on the server page', async () => {
    await openAddDialog(page)
    await fillServer(page, home, { name: SERVER, auth: 'key', identityFile: home.keys.ed25519 })
    await continueToHostKey(page)
    expect(await page.getByTestId('hostkey-fingerprint').textContent()).toBe(home.hostKeyFingerprint)
    await page.getByTestId('hostkey-accept').click()
    await expect.poll(() => page.getByTestId(`server-state-${SERVER}`).getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')

    await page.getByTestId(`server-item-${SERVER}`).click()
    await page.getByTestId('mirror-input').fill(home.registry)
    await page.getByTestId('mirror-save').click()
    await expect.poll(() => page.getByTestId('mirror-saved').textContent()).toContain(home.registry)
    await screenshots('01-mirror')
  })

  it('shows the App Store with cards, and / focuses its search', async () => {
    await page.getByTestId('server-store').click()
    await page.getByTestId('store-grid').waitFor({ timeout: 20_000 })
    expect(await page.locator('[data-testid^="store-card-"]').count()).toBeGreaterThanOrEqual(20)
    await page.locator('body').press('/')
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('store-search')
    await screenshots('02-store')
  })

  it('previews the plan of a compose app before anything exists on the server', async () => {
    await page.getByTestId('store-compose').click()
    await page.getByTestId('install-dialog').waitFor()
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('install-name')
    await page.getByTestId('install-name').fill(APP)
    await page.getByTestId('install-compose').fill(COMPOSE)
    await page.getByTestId('install-env').fill(`WEB_PORT=${WEB_PORT}`)
    await page.getByTestId('install-review').click()

    const preview = page.getByTestId('plan-preview')
    await preview.waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('plan-container-web').getAttribute('data-action')).toBe('create')
    // The image is pulled through the mirror set above, not from Docker Hub.
    expect(await page.getByTestId('plan-image').first().textContent()).toMatch(/^\s*pull/)
    expect(await page.getByTestId('plan-image').first().textContent()).toContain(`${home.registry}/${STAND_IN}`)
    expect(await page.getByTestId('plan-volume').textContent()).toContain(`${APP}_data`)
    await screenshots('03-plan')
    expect(await projectContainers()).toEqual([])
  })

  it('installs it with progress until the container runs on the server', async () => {
    await confirmInstall(page)
    expect(await page.getByTestId('job-state').textContent()).toBe('Finished')
    expect(await page.getByTestId('job-log').textContent()).not.toBe('')
    // The pull was measured in bytes and shown as a full bar for the image.
    const pulled = page.getByTestId('job-item').filter({ hasText: STAND_IN })
    expect(await pulled.count()).toBe(1)
    expect(await pulled.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100')
    await screenshots('04-installed')
    expect(await projectContainers()).toEqual([`${APP}-web-1 running`])
    expect(await volumeExists()).toBe(true)
  })

  it('lists it as running and managed among the installed apps', async () => {
    await page.getByTestId('install-close').click()
    await page.getByTestId(`sidebar-apps-${SERVER}`).click()
    const row = page.getByTestId(`app-row-${APP}`)
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe('running')
    expect(await row.getByTestId('app-state').first().textContent()).toBe('Running')
    expect((await row.getByTestId('app-managed').textContent())?.trim()).toBe('Installed by Homeport')
    await screenshots('05-installed-list')
  })

  it('shows a line the container printed in the logs viewer', async () => {
    await page.getByTestId(`app-link-${APP}`).click()
    await page.getByTestId('app-page').waitFor()
    await tab('Logs').click()
    const line = page.getByTestId('log-line').filter({ hasText: GREETING })
    await expect.poll(() => line.count(), { timeout: 20_000 }).toBe(1)
    await page.getByTestId('logs-search').fill('hello')
    await expect.poll(() => line.locator('mark').textContent()).toBe('hello')
    await screenshots('06-logs')
    // The same line really is in the container's output on the server.
    expect(await docker(['logs', `${APP}-web-1`])).toContain(GREETING)
  })

  it('runs a command in the terminal', async () => {
    await tab('Terminal').click()
    await expect.poll(() => page.getByTestId('app-terminal').getAttribute('data-state'), { timeout: 20_000 }).toBe('open')
    await page.getByTestId('terminal-host').click()
    await page.keyboard.type('echo hp-$((40+2))')
    await page.keyboard.press('Enter')
    // The typed command shows `$((40+2))`; only the shell's answer reads hp-42.
    await expect.poll(() => page.locator('.xterm-rows').textContent(), { timeout: 20_000 }).toContain('hp-42')
    await screenshots('07-terminal')
  })

  it('opens the app page through a local forward', async () => {
    await tab('Overview').click()
    const popup = page.context().waitForEvent('page', { timeout: 20_000 }).catch(() => undefined)
    await page.getByTestId('app-open').click()
    const link = page.getByTestId('app-opened-url')
    await link.waitFor({ timeout: 20_000 })
    const url = (await link.textContent()) ?? ''
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(await fetch(url).then((r) => r.text())).toContain('homeport test app')
    await (await popup)?.close()
    await screenshots('08-opened')
  })

  it('shows live stats for the container', async () => {
    await tab('Stats').click()
    await page.getByTestId('stats-row-web').waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('stats-cpu').first().textContent()).toMatch(/^\d+\.\d %$/)
    await screenshots('09-stats')
  })

  it('removes it with its data after the name is typed', async () => {
    await page.getByTestId('app-remove').click()
    await page.getByTestId('remove-dialog').waitFor()
    await page.getByTestId('remove-delete').click()
    await expect.poll(() => page.getByTestId('remove-submit').isDisabled()).toBe(true)
    await page.getByTestId('remove-confirm').fill(APP)
    await screenshots('10-remove')
    await page.getByTestId('remove-submit').click()
    await page.locator('[data-testid="apps-page"], [data-testid="remove-error"]').first().waitFor({ timeout: 30_000 })
    if (await page.getByTestId('remove-error').isVisible()) throw new Error(`the removal failed: ${await page.getByTestId('remove-error').textContent()}`)
    await expect.poll(() => page.getByTestId(`app-row-${APP}`).count()).toBe(0)
    await screenshots('11-removed')
    expect(await projectContainers()).toEqual([])
    expect(await volumeExists()).toBe(false)
  })
})
