// State that is true, and a window a keyboard and a small screen can use, end to end in Chromium against the
// test home server: a two-service app whose worker is slow to stop is installed from a compose file, then
// its page is driven by keyboard (tabs, focus outlines), its uptime ticks, its stats axes read sensibly, its
// settings speak in labels and review what changes, jobs stay until seen, an update with nothing to do says
// so, stop says what it does and closes the forwarded page (which comes back on the same port), a
// disconnected server's containers read "unknown", Escape closes a confirmation, 900×600 folds the sidebar
// away with tables still readable, and the log viewer shows a cut connection and the error that ended it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { docker, killSshConnections, swapHostKey, useHomeServer } from '../homeserver/helpers.js'
import { addServerByKey, confirmInstall, setRegistryMirror } from './add-server-steps.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const SERVER = `e2e-state-${process.pid}`
const APP = `e2e-state-${process.pid}`
const WEB_PORT = 40_000 + (process.pid % 10_000)
// The worker ignores SIGTERM, so a stop takes its full grace period: long enough to read what it says.
const COMPOSE = `services:
  web:
    image: docker.io/homeport/httpd:1
    command: ["sh", "-c", "echo state-e2e ready; exec httpd -f -v -p 80 -h /www"]
    ports:
      - "127.0.0.1:\${WEB_PORT}:80"
  worker:
    image: docker.io/homeport/busybox:1
    command: ["sh", "-c", "trap '' TERM; while :; do echo tick; sleep 1; done"]
    stop_grace_period: 4s
`

let session: E2eSession
let page: Page

const tab = (name: string) => page.getByRole('tab', { name })
// Code run in the page is given as text: this file is compiled without the DOM's types.
const activeTestId = () => page.evaluate<string | null>(`document.activeElement?.getAttribute('data-testid') ?? null`)

async function projectStates(): Promise<string[]> {
  const out = await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${APP}`, '--format', '{{.Names}} {{.State}}'])
  return out.split('\n').filter(Boolean).sort()
}

/** Every placeholder the page shows, in fields and in Naive's select boxes. */
async function placeholders(): Promise<string[]> {
  return page.evaluate<string[]>(`[
    ...[...document.querySelectorAll('[placeholder]')].map((e) => e.getAttribute('placeholder') ?? ''),
    ...[...document.querySelectorAll('.n-base-selection-placeholder, .n-input__placeholder')].map((e) => e.textContent ?? ''),
  ]`)
}

async function expectNoGenericPlaceholder(): Promise<void> {
  expect((await placeholders()).filter((p) => /please (input|select)/i.test(p))).toEqual([])
}

describe('true state, keyboard and layout in the window', () => {
  beforeAll(async () => {
    await docker(['rm', '-f', `${APP}-web-1`, `${APP}-worker-1`]).catch(() => '')
    session = await startE2e()
    page = session.page
  })

  afterAll(async () => {
    await swapHostKey('original').catch(() => undefined)
    await docker(['rm', '-f', `${APP}-web-1`, `${APP}-worker-1`]).catch(() => '')
    await docker(['network', 'rm', `${APP}_default`]).catch(() => '')
    await session?.close()
  })

  it('installs a two-service app from a compose file', async () => {
    await addServerByKey(page, home, SERVER)
    await setRegistryMirror(page, SERVER, home.registry)

    await page.getByTestId('server-store').click()
    await page.getByTestId('store-compose').click()
    await page.getByTestId('install-dialog').waitFor()
    await page.getByTestId('install-name').fill(APP)
    await page.getByTestId('install-compose').fill(COMPOSE)
    await page.getByTestId('install-env').fill(`WEB_PORT=${WEB_PORT}`)
    await expectNoGenericPlaceholder()
    await page.getByTestId('install-review').click()
    // Either the plan or the error that stopped it; the error's words make a failure here readable.
    // Neither within a minute: the dialog's own words (its step, field errors, a spinner) say where it stood.
    await page.getByTestId('plan-preview').or(page.getByTestId('install-error')).first().waitFor({ timeout: 60_000 }).catch(async (err: unknown) => {
      await session.screenshot('app-state-no-plan').catch(() => '')
      const dialog = page.getByTestId('install-dialog')
      throw new Error(`${String(err)}\nthe dialog (step ${await dialog.getAttribute('data-step')}): ${await dialog.innerText()}`)
    })
    expect(await page.getByTestId('install-error').count(), (await page.getByTestId('install-error').allTextContents()).join(' | ')).toBe(0)
    await confirmInstall(page)
    // Finished means 100 %, every bar included.
    expect(await page.getByTestId('job-overall').getAttribute('aria-valuenow')).toBe('100')
    for (const bar of await page.getByTestId('job-item-bar').all()) expect(await bar.getAttribute('aria-valuenow')).toBe('100')
    expect(await projectStates()).toEqual([`${APP}-web-1 running`, `${APP}-worker-1 running`])
    await page.getByTestId('install-close').click()
  })

  it('says the state in words, not in badges of jargon', async () => {
    await page.getByTestId(`sidebar-apps-${SERVER}`).click()
    const row = page.getByTestId(`app-row-${APP}`)
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe('running')
    expect(await row.getByTestId('app-state').textContent()).toBe('Running')
    expect(await row.getByTestId('app-managed').textContent()).toContain('Installed by Homeport')
    const badges = await page.locator('.n-tag').allTextContents()
    expect(badges.map((b) => b.trim()).filter((b) => ['managed', 'found', 'partial', 'not-created'].includes(b))).toEqual([])
  })

  it('reaches the app page tabs with Tab and moves between them with the arrows, focus outlined', async () => {
    await page.getByTestId(`app-link-${APP}`).click()
    await page.getByTestId('app-page').waitFor()
    await page.getByTestId('app-remove').focus()
    for (let i = 0; i < 12 && (await activeTestId()) !== 'tab-overview'; i++) await page.keyboard.press('Tab')
    expect(await activeTestId()).toBe('tab-overview')
    const outline = await page.evaluate<{ style: string; width: number }>(
      `(() => { const s = getComputedStyle(document.activeElement); return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) } })()`,
    )
    expect(outline.style).toBe('solid')
    expect(outline.width).toBeGreaterThanOrEqual(2)
    await page.keyboard.press('ArrowRight')
    expect(await activeTestId()).toBe('tab-logs')
    expect(await tab('Logs').getAttribute('aria-selected')).toBe('true')
    await page.getByTestId('log-viewer').waitFor()
    await expectNoGenericPlaceholder()
    await page.keyboard.press('End')
    const last = await page.getByRole('tab').last().getAttribute('data-testid')
    expect(await activeTestId()).toBe(last)
    await page.getByTestId(`panel-${last?.replace(/^tab-/, '')}`).waitFor()
    await page.keyboard.press('ArrowRight')
    expect(await activeTestId()).toBe('tab-overview')
    await page.keyboard.press('End')
    await page.keyboard.press('Home')
    expect(await activeTestId()).toBe('tab-overview')
    await page.getByTestId('app-services').waitFor()
    await session.screenshot('state-01-tabs')
    // Escape closes a dialog too, and nothing was removed.
    await page.getByTestId('app-remove').click()
    await page.getByTestId('remove-dialog').waitFor()
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('remove-dialog').count()).toBe(0)
    expect(await projectStates()).toEqual([`${APP}-web-1 running`, `${APP}-worker-1 running`])
  })

  it('lets the uptime tick on the overview', async () => {
    const status = page.getByTestId('service-row-web').getByTestId('service-status')
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^Up \d+/)
    const first = await status.textContent()
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).not.toBe(first)
    expect(await status.textContent()).toMatch(/^Up \d+/)
  })

  it('draws stats axes in units people read, with ticks that differ', async () => {
    await tab('Stats').click()
    await page.getByTestId('stats-row-web').waitFor({ timeout: 20_000 })
    const axes = page.getByTestId('stats-axis')
    await expect.poll(async () => (await axes.allTextContents()).every((t) => t.length > 'Scale: '.length), { timeout: 30_000 }).toBe(true)
    for (const text of await axes.allTextContents()) {
      const labels = text.replace(/^Scale: /, '').split(', ')
      expect(labels.join(' ')).not.toMatch(/e-\d/)
      expect(new Set(labels).size).toBe(labels.length)
    }
    const received = (await page.getByTestId('stats-chart-network-received').getByTestId('stats-axis').textContent()) ?? ''
    expect(received).toMatch(/\/s/)
    await session.screenshot('state-02-stats')
  })

  it('shows settings by label, keeps errors clear of the next label, and reviews what changes', async () => {
    await tab('Settings').click()
    const form = page.getByTestId('variables-form')
    await form.waitFor({ timeout: 20_000 })
    expect(await form.locator('.n-form-item-label').allTextContents()).toContain('Web port')
    await expectNoGenericPlaceholder()

    // A wrong value: its message sits under its own field, above whatever comes next.
    await page.getByTestId('var-WEB_PORT').fill('99999')
    await page.getByTestId('settings-review').click()
    const feedback = form.locator('.n-form-item-feedback--error')
    await feedback.waitFor()
    const errorBox = await feedback.boundingBox()
    const below = await page.getByTestId('settings-review').boundingBox()
    expect(errorBox && below && errorBox.y + errorBox.height <= below.y).toBe(true)

    await page.getByTestId('var-WEB_PORT').fill(String(WEB_PORT + 1))
    await page.getByTestId('settings-review').click()
    await page.getByTestId('plan-preview').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('settings-change').allTextContents()).toEqual([expect.stringContaining(`WEB_PORT ${WEB_PORT} → ${WEB_PORT + 1}`)])
    expect(await page.getByTestId('settings-change').first().textContent()).toContain('Web port')
    await session.screenshot('state-03-settings-plan')
  })

  it('keeps the job card of an apply until its result has been seen, across tabs', async () => {
    await page.getByTestId('settings-apply').click()
    const card = page.getByTestId('app-job')
    await card.waitFor()
    await tab('Logs').click()
    await tab('Overview').click()
    await expect.poll(() => card.getByTestId('job-progress').getAttribute('data-state'), { timeout: 90_000 }).toBe('succeeded')
    // Finished, and still there after another change of tab, until dismissed.
    await tab('Stats').click()
    expect(await card.isVisible()).toBe(true)
    expect(await card.getByTestId('job-state').textContent()).toBe('Finished')
    await card.getByTestId('app-job-dismiss').click()
    await expect.poll(() => card.count()).toBe(0)
    expect(await docker(['port', `${APP}-web-1`, '80/tcp'])).toContain(`127.0.0.1:${WEB_PORT + 1}`)
  })

  it('says an update with nothing to do is already up to date', async () => {
    await page.getByTestId('app-update').click()
    const card = page.getByTestId('app-job')
    await expect.poll(() => card.getByTestId('job-progress').getAttribute('data-state'), { timeout: 90_000 }).toBe('succeeded')
    expect(await card.getByTestId('job-outcome').textContent()).toContain(`${APP} is already up to date`)
    await card.getByTestId('app-job-dismiss').click()
  })

  it('says what a stop is doing, drops the opened address with the forward, and reopens on the same port', async () => {
    await tab('Overview').click()
    const popup = page.context().waitForEvent('page', { timeout: 20_000 }).catch(() => undefined)
    await page.getByTestId('app-open').click()
    const link = page.getByTestId('app-opened-url')
    await link.waitFor({ timeout: 20_000 })
    const url = (await link.textContent()) ?? ''
    expect(await fetch(url).then((r) => r.text())).toContain('homeport test app')
    await (await popup)?.close()

    await page.getByTestId('app-stop').click()
    await expect.poll(() => page.getByTestId('app-busy').textContent(), { timeout: 10_000 }).toBe(`Stopping 2 containers of ${APP}…`)
    await expect.poll(() => page.getByTestId('app-busy').count(), { timeout: 30_000 }).toBe(0)
    await expect.poll(() => link.count()).toBe(0)
    expect(await projectStates()).toEqual([`${APP}-web-1 exited`, `${APP}-worker-1 exited`])
    await expect(fetch(url)).rejects.toThrow()

    await page.getByTestId('app-start').click()
    await expect.poll(() => page.getByTestId('app-page').getByTestId('app-state').first().getAttribute('data-state'), { timeout: 30_000 }).toBe('running')
    const again = page.context().waitForEvent('page', { timeout: 20_000 }).catch(() => undefined)
    await page.getByTestId('app-open').click()
    await expect.poll(() => link.textContent(), { timeout: 20_000 }).toBe(url)
    await (await again)?.close()
  })

  it('shows the containers of a disconnected server as unknown', async () => {
    await page.getByTestId(`server-item-${SERVER}`).click()
    const row = page.getByTestId(`container-row-${APP}-web-1`)
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe('running')
    await page.getByTestId('server-disconnect').click()
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe('unknown')
    expect(await row.textContent()).not.toMatch(/Up |running/)
    // Still running on the server: only the window does not know.
    expect(await projectStates()).toEqual([`${APP}-web-1 running`, `${APP}-worker-1 running`])
    await page.getByTestId('server-connect').click()
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('running')
  })

  it('closes a confirmation with Escape and changes nothing', async () => {
    await page.getByTestId('server-remove').click()
    const question = page.getByTestId('server-remove-question')
    await question.waitFor()
    await page.keyboard.press('Escape')
    await expect.poll(() => question.isVisible()).toBe(false)
    expect(await page.getByTestId(`server-item-${SERVER}`).count()).toBe(1)
  })

  it('folds the sidebar away at 900×600 and keeps image names and ports readable', async () => {
    await page.setViewportSize({ width: 900, height: 600 })
    const frame = page.getByTestId('sidebar-frame')
    await expect.poll(() => frame.getAttribute('data-collapsed')).toBe('true')
    await expect.poll(async () => (await frame.boundingBox())?.width ?? -1).toBeLessThan(2)
    const row = page.getByTestId(`container-row-${APP}-web-1`)
    await row.waitFor()
    const image = row.getByTestId('container-image')
    expect(await image.textContent()).toContain('homeport/httpd:1')
    const cells = await row.getByRole('cell').evaluateAll((tds) => tds.map((td) => ({ text: td.textContent ?? '', clipped: td.scrollWidth > td.clientWidth + 1 })))
    expect(cells.filter((c) => c.clipped)).toEqual([])
    expect(cells.some((c) => c.text.includes(`${WEB_PORT + 1}→80/tcp`))).toBe(true)
    await session.screenshot('state-04-narrow')

    await page.getByTestId('sidebar-toggle').click()
    await expect.poll(async () => (await frame.boundingBox())?.width ?? 0).toBeGreaterThan(200)
    await page.getByTestId(`sidebar-apps-${SERVER}`).click()
    await expect.poll(() => frame.getAttribute('data-collapsed')).toBe('true')
    // The app's own table too: whole image names and ports, scrolled sideways rather than cut.
    await page.getByTestId(`app-link-${APP}`).click()
    const service = page.getByTestId('service-row-web')
    await service.waitFor()
    const serviceCells = await service.locator('td').evaluateAll((tds) => tds.map((td) => ({ text: td.textContent ?? '', clipped: td.scrollWidth > td.clientWidth + 1 })))
    expect(serviceCells.filter((c) => c.clipped)).toEqual([])
    expect(serviceCells.some((c) => c.text.includes('homeport/httpd:1'))).toBe(true)
    await page.setViewportSize({ width: 1280, height: 820 })
    await expect.poll(() => frame.getAttribute('data-collapsed')).toBe('false')
  })

  it('shows a cut log stream reconnecting, and the error that ended it', async () => {
    await tab('Logs').click()
    await expect.poll(() => page.getByTestId('log-line').filter({ hasText: 'tick' }).count(), { timeout: 40_000 }).toBeGreaterThan(0)
    // The tail is read first and ends at the next line after it; the cut must come once the view follows.
    await expect.poll(() => page.getByTestId('logs-status').textContent(), { timeout: 30_000 }).toContain('· following')
    // The indicator may show only briefly: a watcher in the page remembers that it did.
    await page.evaluate(`(() => {
      const seen = () => document.querySelector('[data-testid="logs-reconnecting"]') !== null
      window.sawReconnecting = seen()
      new MutationObserver(() => (window.sawReconnecting ||= seen())).observe(document.body, { childList: true, subtree: true })
    })()`)
    await killSshConnections()
    await expect.poll(() => page.evaluate('window.sawReconnecting'), { timeout: 30_000 }).toBe(true)
    await expect.poll(() => page.getByTestId('logs-status').getAttribute('data-stream'), { timeout: 30_000 }).toBe('following')

    await swapHostKey('alternate')
    const error = page.getByTestId('logs-stream-error')
    await error.waitFor({ timeout: 60_000 })
    expect(await error.getAttribute('data-code')).toBe('HOST_KEY_MISMATCH')
    expect(await page.getByTestId('logs-status').getAttribute('data-stream')).toBe('ended')
    await session.screenshot('state-05-log-ended')
    // The server cannot be reached now: the app's state is not known, whatever the last answer said.
    const state = page.getByTestId('app-page').getByTestId('app-state').first()
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 30_000 }).toBe('unknown')
    expect(await state.textContent()).toBe('Unknown while disconnected')
    await tab('Overview').click()
    expect(await page.getByTestId('service-row-web').getByTestId('app-state').textContent()).toBe('Unknown while disconnected')
    expect(await page.getByTestId('service-row-web').getByTestId('service-status').textContent()).toBe('')
  })
})
