// Long lists besides the container table, in headless Chromium through the web host against the test home
// server: 80 apps found on the server (stacks Docker Compose labels; a filter finds one), 150 volumes and an added catalog of 300
// apps each draw only what is in view, and every item can still be reached by scrolling, sorted or searched.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { docker as dockerRaw, useHomeServer } from '../homeserver/helpers.js'
import { addServerByKey } from './add-server-steps.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const PREFIX = `e2elists${process.pid}`
const SERVER = PREFIX
const APPS = Array.from({ length: 80 }, (_, i) => `${PREFIX}-p${String(i).padStart(2, '0')}`)
// "zz" first: sorted by name, descending, these come before any other test's volumes.
const VOLUMES = Array.from({ length: 150 }, (_, i) => `zz${PREFIX}-v${String(i).padStart(3, '0')}`)
const TEMPLATES = Array.from({ length: 300 }, (_, i) => `Scale App ${String(i).padStart(3, '0')}`)
const docker = async (args: string[]) => (await dockerRaw(args)).trim()

let session: E2eSession
let page: Page
let catalogDir: string

async function inParallel(items: string[], each: (item: string) => Promise<unknown>): Promise<void> {
  const queue = [...items]
  await Promise.all(Array.from({ length: 6 }, async () => { for (let x = queue.shift(); x; x = queue.shift()) await each(x) }))
}

async function removeLeftovers(): Promise<void> {
  const ids = (await docker(['ps', '-aq', '--filter', `name=^${PREFIX}-p`])).split('\n').filter(Boolean)
  if (ids.length) await docker(['rm', '-f', ...ids])
  const volumes = (await docker(['volume', 'ls', '-q', '--filter', `name=zz${PREFIX}-v`])).split('\n').filter(Boolean)
  if (volumes.length) await docker(['volume', 'rm', '-f', ...volumes])
}

/** Scrolls `scroller` to its end step by step, collecting what `seen` reads at each step; the most drawn at once too. */
async function scrollThrough(scroller: Locator, seen: () => Promise<string[]>): Promise<{ all: Set<string>; most: number }> {
  const all = new Set<string>()
  let most = 0
  for (let step = 0; step < 200; step++) {
    const now = await seen()
    most = Math.max(most, now.length)
    for (const name of now) all.add(name)
    const atEnd = await scroller.evaluate((el) => {
      el.scrollBy(0, el.clientHeight / 2)
      return el.scrollTop + el.clientHeight >= el.scrollHeight - 1
    })
    if (atEnd && step > 0) {
      // One more read once the last rows are drawn.
      await page.waitForTimeout(100)
      for (const name of await seen()) all.add(name)
      break
    }
    await page.waitForTimeout(50)
  }
  return { all, most }
}

const testIds = (within: Locator, prefix: string) => async () =>
  (await within.locator(`[data-testid^="${prefix}"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''))).map((id) => id.slice(prefix.length))

describe('long lists in the window', () => {
  beforeAll(async () => {
    await removeLeftovers()
    await inParallel(APPS, (app) =>
      docker(['create', '--name', `${app}-web-1`, '--network', 'none', '--label', `com.docker.compose.project=${app}`, '--label', 'com.docker.compose.service=web', '--label', 'com.docker.compose.container-number=1', home.images[0], 'sleep', '3600']),
    )
    await inParallel(VOLUMES, (volume) => docker(['volume', 'create', volume]))
    catalogDir = mkdtempSync(path.join(tmpdir(), 'homeport-e2e-lists-'))
    const templates = TEMPLATES.map((title) => ({ type: 1, title, description: `${title}, one of many.`, categories: ['Scale'], image: 'docker.io/homeport/busybox:1', ports: ['8080/tcp'] }))
    writeFileSync(path.join(catalogDir, 'templates.json'), JSON.stringify({ version: '2', templates }))
    session = await startE2e()
    page = session.page
  }, 600_000)

  afterAll(async () => {
    await session?.close()
    await removeLeftovers().catch(() => undefined)
    if (catalogDir) rmSync(catalogDir, { recursive: true, force: true })
  }, 300_000)

  it('lists 80 apps found on the server drawing only the rows in view, and scrolling reaches every one', async () => {
    await addServerByKey(page, home, SERVER)
    await page.getByTestId(`sidebar-apps-${SERVER}`).click()
    const list = page.getByTestId('apps-list')
    await expect.poll(async () => Number(await list.getAttribute('data-count').catch(() => '0')), { timeout: 60_000 }).toBeGreaterThanOrEqual(APPS.length)
    const mine = testIds(list, `app-row-${PREFIX}-p`)
    const { all, most } = await scrollThrough(list.locator('.v-vl').first(), mine)
    expect(most).toBeGreaterThan(0)
    expect(most).toBeLessThan(40)
    expect(all.size).toBe(APPS.length)
    await session.screenshot('scale-lists-01-apps')
    await page.getByTestId('apps-filter').fill(`${PREFIX}-p42`)
    await expect.poll(() => list.locator('[data-testid^="app-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid'))), { timeout: 10_000 }).toEqual([`app-row-${PREFIX}-p42`])
    await page.getByTestId('apps-filter').fill('')
  })

  it('lists 150 volumes drawing only the rows in view, sorted by name both ways', async () => {
    await page.getByTestId(`sidebar-engine-${SERVER}`).click()
    await page.getByRole('tab', { name: 'Volumes' }).click()
    const table = page.getByTestId('engine-table')
    const names = testIds(table, 'engine-row-')
    await table.locator('[data-testid^="engine-row-"]').first().waitFor({ timeout: 60_000 })
    // The header cycles descending, ascending, unsorted.
    const nameHeader = table.locator('th', { hasText: 'Name' })
    await nameHeader.click()
    await expect.poll(async () => (await names()).slice(0, 3), { timeout: 20_000 }).toEqual([VOLUMES[149], VOLUMES[148], VOLUMES[147]])
    expect((await names()).length).toBeLessThan(VOLUMES.length / 3)
    // Ascending, read from the top down: every volume is reached, in order.
    await nameHeader.click()
    const scroller = table.locator('.v-vl, .n-scrollbar-container').first()
    await scroller.evaluate((el) => el.scrollTo(0, 0))
    await expect.poll(async () => (await names()).includes(VOLUMES[149]), { timeout: 20_000 }).toBe(false)
    const { all, most } = await scrollThrough(scroller, names)
    expect(most).toBeLessThan(VOLUMES.length / 3)
    expect([...all].filter((n) => n.startsWith(`zz${PREFIX}`))).toEqual(VOLUMES)
  })

  it('shows a catalog of 300 more apps as cards drawn only in view; search finds one, scrolling reaches the last', async () => {
    await page.getByTestId(`sidebar-store-${SERVER}`).click()
    await page.getByTestId('store-add-catalog').click()
    await page.getByTestId('catalog-ref').fill(path.join(catalogDir, 'templates.json'))
    await page.getByTestId('catalog-add').click()
    await expect.poll(() => page.getByTestId('catalog-result').textContent().catch(() => ''), { timeout: 30_000 }).toContain('300 apps added')
    await page.getByTestId('catalog-close').click()
    const grid = page.getByTestId('store-grid')
    await expect.poll(() => grid.getAttribute('data-virtual'), { timeout: 20_000 }).toBe('true')
    expect(Number(await grid.getAttribute('data-count'))).toBeGreaterThanOrEqual(TEMPLATES.length)
    const cards = testIds(grid, 'store-card-scale-app-')
    const { all, most } = await scrollThrough(grid.locator('.v-vl').first(), cards)
    expect(most).toBeLessThan(TEMPLATES.length / 3)
    expect(all.size).toBe(TEMPLATES.length)
    await page.getByTestId('store-search').fill('Scale App 287')
    await expect.poll(() => grid.locator('[role="link"][data-testid^="store-card-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))), { timeout: 10_000 }).toEqual(['store-card-scale-app-287'])
    await page.getByTestId('store-search').fill('')
    await session.screenshot('scale-lists-02-store')
  })
})
