// Monitoring and alerts end to end: the built renderer in headless Chromium through the web host, against the
// real core, the real agent and the test home server's Docker engine. The dashboard's tile and the server's
// charts fill with the agent's samples; `docker kill` of an app's container on the server brings an alert
// into the notification centre (the unread count goes up, clicking it opens the app's page); a muted app's
// alert is kept but neither counted nor notified; do-not-disturb silences notifications and survives a reload.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { docker, useHomeServer } from '../homeserver/helpers.js'
import { homeServerInput, openTestCore, type TestCore } from '../integration/core/test-core.js'
import { addServerByKey, setRegistryMirror } from './add-server-steps.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const SERVER = `e2e-monitor-${process.pid}`
const APP = `e2e-monitor-${process.pid}`
const SERVICES = ['victim', 'second', 'third'] as const
const container = (service: (typeof SERVICES)[number]) => `${APP}-${service}-1`
// No restart policy: a killed container stays down, as an app that crashed would.
const COMPOSE = `services:
${SERVICES.map((s) => `  ${s}:\n    image: docker.io/homeport/busybox:1\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n`).join('')}`

let session: E2eSession
let page: Page
let setup: TestCore | undefined
/** Every WebSocket frame the page received: the core's events as the window got them. */
const frames: string[] = []

const notified = (subject: string) => frames.filter((f) => f.includes('"alert.notify"') && f.includes(subject)).length
const unread = async () => Number(await page.getByTestId('alerts-bell').getAttribute('data-unread'))
const alertItem = (service: (typeof SERVICES)[number]) => page.getByTestId(`alert-container.exited-${container(service)}`)

async function points(chart: string): Promise<number> {
  return Number(await page.getByTestId(`monitor-chart-${chart}`).getAttribute('data-points'))
}

/** Finite animations still running: a drawer sliding, a dropdown opening (spinners go on for ever). */
const MOVING = 'document.getAnimations().filter((a) => a.playState === "running" && a.effect?.getTiming().iterations !== Infinity).length'

/** A screenshot once the drawer and the dropdowns have finished moving. */
async function screenshot(name: string): Promise<void> {
  await expect.poll(() => page.evaluate(MOVING)).toBe(0)
  await session.screenshot(name)
}

async function openCentre(): Promise<void> {
  // A drawer still sliding shut counts as visible: let it finish before asking.
  await expect.poll(() => page.evaluate(MOVING)).toBe(0)
  if (!(await page.getByTestId('alerts-centre').isVisible())) await page.getByTestId('alerts-bell').click()
  await page.getByTestId('alerts-centre').waitFor()
}

async function closeCentre(): Promise<void> {
  await page.keyboard.press('Escape')
  await page.getByTestId('alerts-centre').waitFor({ state: 'hidden' })
}

async function state(name: string): Promise<string> {
  return (await docker(['inspect', '-f', '{{.State.Status}}', name])).trim()
}

describe('monitoring and alerts in the window', () => {
  beforeAll(async () => {
    await docker(['rm', '-f', ...SERVICES.map(container)]).catch(() => '')
    // Monitoring uses the agent but never installs it (set-up does): install it, and the app, beforehand.
    setup = await openTestCore()
    await setup.call('servers.add', homeServerInput(home, 'setup'))
    await setup.call('apps.setMirror', { serverId: 'setup', mirror: home.registry })
    await setup.call('agent.install', { serverId: 'setup' })
    const { jobId } = await setup.call('apps.install', { serverId: 'setup', source: { compose: COMPOSE }, name: APP, values: {} })
    expect((await setup.finishedJob(jobId)).error).toBeUndefined()
    for (const s of SERVICES) expect(await state(container(s))).toBe('running')

    session = await startE2e()
    page = session.page
    page.on('websocket', (ws) => ws.on('framereceived', (frame) => void frames.push(String(frame.payload))))
    // Reloaded so the page's socket is the one being listened to (the token is kept for the tab).
    await page.reload()
    await page.getByTestId('app-shell').waitFor()
  })

  afterAll(async () => {
    await setup?.call('apps.remove', { serverId: 'setup', app: APP, volumes: true, confirm: APP }).catch(() => {})
    await setup?.close()
    await docker(['rm', '-f', ...SERVICES.map(container)]).catch(() => '')
    await docker(['network', 'rm', `${APP}_default`]).catch(() => '')
    await session?.close()
  })

  it('samples every 2 s (containers every 5 s) once set so on the settings page', async () => {
    await page.getByTestId('sidebar-settings').click()
    await page.getByTestId('monitor-settings').waitFor()
    await page.getByTestId('monitor-interval').locator('input').fill('2')
    await page.getByTestId('monitor-interval').locator('input').blur()
    // Container CPU is the difference between two readings: at 5 s the app's containers get several.
    await page.getByTestId('monitor-container-interval').locator('input').fill('5')
    await page.getByTestId('monitor-container-interval').locator('input').blur()
    await page.getByTestId('monitor-save').click()
    await page.getByTestId('monitor-saved').waitFor()
    await page.getByTestId('start-at-login').click()
    await expect.poll(() => page.getByTestId('start-at-login').getAttribute('aria-checked')).toBe('true')
    await screenshot('monitor-01-settings')
  })

  it('adds the test server and shows its tile on the dashboard with live numbers', async () => {
    await addServerByKey(page, home, SERVER)
    // The update in a later test pulls through the test registry.
    await setRegistryMirror(page, SERVER, home.registry)

    // The first page, once there is a server, is the overview.
    await page.evaluate("window.location.hash = '#/'")
    await page.getByTestId('home-page').getByTestId(`tile-${SERVER}`).waitFor()
    await page.getByTestId('sidebar-dashboard').click()
    const tile = page.getByTestId(`tile-${SERVER}`)
    await tile.waitFor()
    await expect.poll(() => tile.getByTestId('tile-cpu').textContent(), { timeout: 30_000 }).toMatch(/^\d+\.\d %$/)
    expect(await tile.getByTestId('tile-memory').textContent()).toMatch(/^\d+ % · .*B of .*B$/)
    expect(await tile.getByTestId('tile-disk').textContent()).toMatch(/^\/\S* \d+ %$/)
    await expect.poll(() => tile.getByTestId('tile-apps').textContent(), { timeout: 30_000 }).toMatch(/^\d+ \/ [1-9]\d* running$/)
    await screenshot('monitor-02-dashboard')
  })

  it('fills the charts with the agent samples, live, with readable units', async () => {
    await page.getByTestId(`tile-link-${SERVER}`).click()
    await page.getByTestId('monitor-page').waitFor()
    const before = await points('cpu')
    // Live: new samples arrive without reloading the page.
    await expect.poll(() => points('cpu'), { timeout: 30_000 }).toBeGreaterThan(before + 2)
    expect(await points('network')).toBeGreaterThan(2)
    expect(await points('disk-io')).toBeGreaterThan(2)
    expect(await points('memory')).toBeGreaterThan(2)
    for (const chart of ['network', 'disk-io', 'memory', 'cpu']) {
      // The axes are drawn on a canvas; the chart also says its y range in words, from the same labels.
      const axis = page.getByTestId(`monitor-chart-${chart}`).getByTestId('chart-y-axis')
      await expect.poll(() => axis.textContent()).toMatch(chart === 'cpu' ? /^from 0(\.0+)? % to \d+(\.\d+)? %$/ : /^from 0(\.0+)? \S*B(\/s)? to \d+(\.\d+)? [KMGT]?i?B(\/s)?$/)
      expect(await axis.textContent(), chart).not.toMatch(/e-\d/)
    }
    await page.getByTestId(`usage-row-${container('victim')}`).waitFor({ timeout: 60_000 })
    await page.getByTestId('range-24h').click()
    await expect.poll(() => page.locator('[data-range="24h"]').getAttribute('data-resolution')).toBe('1m')
    await expect.poll(() => points('cpu'), { timeout: 30_000 }).toBeGreaterThan(0)
    await page.getByTestId('range-1h').click()
    await screenshot('monitor-03-charts')
  })

  it("keeps a server's own disk threshold, shown again after a reload", async () => {
    const disk = page.getByTestId('server-disk').locator('input')
    await disk.fill('80')
    await disk.blur()
    await page.getByTestId('server-thresholds-save').click()
    await page.getByTestId('server-thresholds-saved').waitFor()
    await page.reload()
    await page.getByTestId('monitor-page').waitFor()
    await expect.poll(() => page.getByTestId('server-disk').locator('input').inputValue()).toBe('80')
  })

  it('shows an alert in the notification centre when an app container is killed, and opens the app from it', async () => {
    const before = await unread()
    await docker(['kill', container('victim')])
    await expect.poll(unread, { timeout: 30_000 }).toBe(before + 1)
    expect(await state(container('victim'))).toBe('exited')

    await openCentre()
    const item = alertItem('victim')
    await item.waitFor()
    expect(await item.getAttribute('data-read')).toBe('false')
    expect(await item.textContent()).toContain(APP)
    expect(notified(container('victim'))).toBe(1)
    await screenshot('monitor-04-centre')

    await item.locator('button.open').click()
    await page.getByTestId('app-page').waitFor()
    await page.getByTestId('alerts-centre').waitFor({ state: 'hidden' })
    expect(decodeURIComponent(await page.evaluate('location.hash'))).toMatch(new RegExp(`/servers/[^/]+/apps/${APP}$`))
    await expect.poll(unread).toBe(before)
  })

  it('keeps a muted app quiet: its next alert is listed but neither counted nor notified', async () => {
    await openCentre()
    await alertItem('victim').getByTestId('alert-mute').click()
    await page.locator('.n-dropdown-option:visible', { hasText: `Mute ${APP} until unmuted` }).first().click()
    await page.getByTestId(`mute-${APP}`).waitFor()
    await closeCentre()

    const before = await unread()
    await docker(['kill', container('second')])
    await openCentre()
    const item = alertItem('second')
    await item.waitFor({ timeout: 30_000 })
    expect(await item.textContent()).toContain('muted')
    expect(await unread()).toBe(before)
    expect(notified(container('second'))).toBe(0)

    await page.getByTestId(`mute-${APP}`).getByTestId('alerts-unmute').click()
    await page.getByTestId(`mute-${APP}`).waitFor({ state: 'hidden' })
    await closeCentre()
  })

  it('counts but does not notify while do-not-disturb is on, which survives a reload', async () => {
    await openCentre()
    await page.getByTestId('alerts-dnd').click()
    await expect.poll(() => page.getByTestId('alerts-dnd').getAttribute('aria-checked')).toBe('true')
    await closeCentre()

    const before = await unread()
    await docker(['kill', container('third')])
    await expect.poll(unread, { timeout: 30_000 }).toBe(before + 1)
    expect(notified(container('third'))).toBe(0)

    await page.reload()
    await page.getByTestId('app-shell').waitFor()
    await openCentre()
    await expect.poll(() => page.getByTestId('alerts-dnd').getAttribute('aria-checked')).toBe('true')
    await screenshot('monitor-05-dnd')
    // Dismissed: resolved in the history, and so no longer an open alert (the container stays down).
    await alertItem('third').getByTestId('alert-dismiss').click()
    await expect.poll(() => alertItem('third').getAttribute('data-state')).toBe('resolved')
    expect(await alertItem('third').textContent()).toContain('dismissed')
    await page.getByTestId('alerts-mark-all').click()
    await expect.poll(unread).toBe(0)
    await page.getByTestId('alerts-dnd').click()
    await expect.poll(() => page.getByTestId('alerts-dnd').getAttribute('aria-checked')).toBe('false')
  })

  it("opens a job's log from the alert its end raised", async () => {
    await closeCentre()
    await page.getByTestId('app-page').waitFor()
    await page.getByTestId('app-update').click()
    await openCentre()
    const item = page.locator('[data-testid^="alert-job."]').filter({ hasText: APP }).first()
    await item.waitFor({ timeout: 90_000 })
    expect(await item.getAttribute('data-testid')).toMatch(/^alert-job\.succeeded-/)
    await item.locator('button.open').click()
    await page.getByTestId('job-page').waitFor()
    expect(await page.getByTestId('job-progress').getAttribute('data-state')).toBe('succeeded')
    // The log is what the alert leads to: shown open.
    await expect.poll(() => page.getByTestId('job-log').isVisible()).toBe(true)
    expect(await page.getByTestId('job-log').textContent()).not.toBe('')
    await screenshot('monitor-06-job')
  })

  it('shows the time the server was disconnected as a gap in the charts', async () => {
    await page.getByTestId(`server-item-${SERVER}`).click()
    await page.getByTestId('server-disconnect').click()
    await expect.poll(() => page.getByTestId('server-page-state').getAttribute('data-state')).toBe('offline')
    // Longer than three sampling intervals (2 s each): a pause, not a late sample.
    await new Promise((resolve) => setTimeout(resolve, 10_000))
    await page.getByTestId('server-connect').click()
    await expect.poll(() => page.getByTestId('server-page-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
    await page.getByTestId(`sidebar-monitor-${SERVER}`).click()
    await page.getByTestId('monitor-page').waitFor()
    const cpu = page.getByTestId('monitor-chart-cpu')
    await expect.poll(async () => Number(await cpu.getAttribute('data-gaps')), { timeout: 30_000 }).toBeGreaterThanOrEqual(1)
    // Per-container CPU and memory from the history, one series per container of the app.
    await expect.poll(() => points('container-memory'), { timeout: 30_000 }).toBeGreaterThan(0)
    // CPU is a difference between two stats samples, so it comes one sample after memory.
    await expect.poll(() => points('container-cpu'), { timeout: 30_000 }).toBeGreaterThan(0)
    await screenshot('monitor-07-gap')
  })
})
