// The window at scale, as functional checks (figures are test/bench/window.bench.ts's): the server's container
// table with 300 containers draws only the rows in view and still reaches the last one, sorts them, and shows
// Docker's changes (a start, a removal, a new container) in place, in the sorted order; the log viewer pauses
// following while scrolled up, offers to jump to the end and resumes there; Follow off keeps every line read.

import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { docker as dockerRaw, useHomeServer } from '../homeserver/helpers.js'
import { addHomeServer, cliSandbox, type CliSandbox } from '../integration/cli/run-cli.js'
import { addServerByKey, setRegistryMirror } from './add-server-steps.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const PREFIX = `e2escale${process.pid}`
const SERVER = PREFIX
const APP = `${PREFIX}-app`
const COUNT = 300
const names = Array.from({ length: COUNT }, (_, i) => `${PREFIX}-c${String(i).padStart(3, '0')}`)
const docker = async (args: string[]) => (await dockerRaw(args)).trim()

let session: E2eSession
let page: Page
let cli: CliSandbox

// 3,000 numbered lines at once, then one a tenth of a second: enough to scroll back through while more arrive.
const compose = `services:
  talk:
    image: docker.io/homeport/busybox:1
    command: ["sh", "-c", "i=0; while [ $$i -lt 3000 ]; do echo line-$$i; i=$$((i+1)); done; while true; do echo tick-$$i; i=$$((i+1)); sleep 0.1; done"]
    stop_grace_period: 1s
`

/** Many cheap containers: created, never started (a list row costs the same either way). */
async function createContainers(): Promise<void> {
  const queue = [...names]
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) await docker(['create', '--name', name, '--network', 'none', home.images[0], 'sleep', '3600'])
    }),
  )
}

async function removeContainers(): Promise<void> {
  const ids = (await docker(['ps', '-aq', '--filter', `name=^${PREFIX}-c`])).split('\n').filter(Boolean)
  for (let i = 0; i < ids.length; i += 100) await docker(['rm', '-f', ...ids.slice(i, i + 100)])
}

const viewport = () => page.getByTestId('logs-viewport')
const lineCount = async () => Number(((await page.getByTestId('logs-status').textContent()) ?? '').trim().split(' ')[0].replace(/[^\d]/g, ''))

describe('the window at scale', () => {
  beforeAll(async () => {
    await removeContainers()
    await createContainers()
    cli = cliSandbox()
    await addHomeServer(cli, home, 'hs')
    expect((await cli.run(['apps', 'mirror', 'hs', home.registry])).code).toBe(0)
    const file = path.join(cli.home, 'compose.yml')
    fs.writeFileSync(file, compose)
    const installed = await cli.run(['apps', 'install', 'hs', '--file', file, '--name', APP])
    expect(installed.code, installed.stderr).toBe(0)
    session = await startE2e()
    page = session.page
  }, 600_000)

  afterAll(async () => {
    await cli?.run(['apps', 'remove', 'hs', APP, '--volumes', '--yes'])
    cli?.dispose()
    await removeContainers().catch(() => undefined)
    await session?.close()
  }, 300_000)

  it('draws only the container rows in view, and scrolling reaches the last of 300', async () => {
    await addServerByKey(page, home, SERVER)
    await setRegistryMirror(page, SERVER, home.registry)
    const table = page.getByTestId('container-table')
    await table.locator('[data-testid^="container-row-"]').first().waitFor({ timeout: 60_000 })
    // Only these 300 (the engine has others' containers too), newest first as Docker lists them: the oldest
    // (one of the first six created, six at a time) is last, far below.
    await page.getByTestId('container-filter').fill(`${PREFIX}-c`)
    const mine = table.locator(`[data-testid^="container-row-${PREFIX}-c"]`)
    await mine.first().waitFor({ timeout: 60_000 })
    const drawn = await mine.count()
    expect(drawn).toBeGreaterThan(0)
    expect(drawn).toBeLessThan(COUNT / 3)
    const oldest = names.slice(0, 6).map((name) => `[data-testid="container-row-${name}"]`).join(', ')
    expect(await table.locator(oldest).count()).toBe(0)
    await expect
      .poll(
        async () => {
          await table.locator('.v-vl, .n-scrollbar-container').first().evaluate((el) => el.scrollBy(0, 5000))
          return table.locator(oldest).count()
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0)
    expect(await mine.count()).toBeLessThan(COUNT / 3)
    // The filter finds a row by a word of its name among 300 and more.
    await page.getByTestId('container-filter').fill(`${PREFIX}-c150`)
    await expect.poll(() => table.locator('[data-testid^="container-row-"]').count(), { timeout: 10_000 }).toBe(1)
    await page.getByTestId('container-filter').fill('')
    await table.locator('[data-testid^="container-row-"]').first().waitFor()
  })

  it('sorts 300 rows by name and shows a start, a removal and a new container where the order puts them', async () => {
    const table = page.getByTestId('container-table')
    const rowNames = async () => (await table.locator(`[data-testid^="container-row-${PREFIX}-c"]`).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')))).map((id) => id!.replace('container-row-', ''))
    await page.getByTestId('container-filter').fill(`${PREFIX}-c`)
    // The table's header cycles descending, ascending, unsorted.
    const nameHeader = table.getByRole('columnheader', { name: 'Name' })
    await nameHeader.click()
    await expect.poll(async () => (await rowNames()).slice(0, 3), { timeout: 20_000 }).toEqual([names[299], names[298], names[297]])
    expect((await rowNames()).length).toBeLessThan(COUNT / 3)
    // Docker's own commands on the server, not the window's buttons: the rows follow its events.
    await docker(['start', names[299]])
    await expect.poll(() => table.getByTestId(`container-row-${names[299]}`).getAttribute('data-state'), { timeout: 20_000 }).toBe('running')
    await docker(['rm', '-f', names[298]])
    await expect.poll(async () => (await rowNames()).slice(0, 2), { timeout: 20_000 }).toEqual([names[299], names[297]])
    const newcomer = `${PREFIX}-c999`
    await docker(['create', '--name', newcomer, '--network', 'none', home.images[0], 'sleep', '3600'])
    await expect.poll(async () => (await rowNames()).slice(0, 3), { timeout: 20_000 }).toEqual([newcomer, names[299], names[297]])
    expect(await table.getAttribute('data-count')).toBe(String(COUNT))
    await nameHeader.click()
    await expect.poll(async () => (await rowNames()).slice(0, 3), { timeout: 20_000 }).toEqual(names.slice(0, 3))
    await nameHeader.click()
    await page.getByTestId('container-filter').fill('')
  })

  it('pauses following while scrolled up, offers the new lines and jumps back to the end', async () => {
    await page.getByTestId(`sidebar-apps-${SERVER}`).click()
    await page.getByTestId(`app-link-${APP}`).click()
    await page.getByRole('tab', { name: 'Logs' }).click()
    await page.getByTestId('logs-tail').fill('5000')
    await page.getByTestId('logs-tail').press('Enter')
    await expect.poll(lineCount, { timeout: 60_000 }).toBeGreaterThan(3000)
    // Following: the view sits at the end.
    await expect.poll(() => viewport().evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight), { timeout: 20_000 }).toBeLessThan(30)
    await viewport().hover()
    await page.mouse.wheel(0, -4000)
    const jump = page.getByTestId('logs-jump')
    await jump.waitFor({ timeout: 20_000 })
    // New lines keep coming, and the view stays where it was scrolled to.
    const heldAt = await viewport().evaluate((el) => el.scrollTop)
    await expect.poll(async () => Number(((await jump.textContent()) ?? '').replace(/[^\d]/g, '')), { timeout: 20_000 }).toBeGreaterThan(3)
    expect(await viewport().evaluate((el) => el.scrollTop)).toBe(heldAt)
    await jump.click()
    await jump.waitFor({ state: 'detached', timeout: 20_000 })
    await expect.poll(() => viewport().evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight), { timeout: 20_000 }).toBeLessThan(30)
    expect(await page.getByTestId('logs-status').textContent()).toContain('following')
  })

  it('keeps every line read when Follow goes off, and goes on after them when it comes back', async () => {
    const before = await lineCount()
    await page.getByTestId('logs-follow').click()
    await expect.poll(async () => (await page.getByTestId('logs-status').textContent()) ?? '', { timeout: 10_000 }).not.toContain('following')
    const kept = await lineCount()
    expect(kept).toBeGreaterThanOrEqual(before)
    expect(await page.getByTestId('logs-loading').count()).toBe(0)
    await page.getByTestId('logs-follow').click()
    await expect.poll(lineCount, { timeout: 20_000 }).toBeGreaterThan(kept)
    // Nothing read twice: the line numbers the app printed are each there once.
    await page.getByTestId('logs-search').fill('line-2999')
    await expect.poll(lineCount, { timeout: 10_000 }).toBe(1)
    await page.getByTestId('logs-search').fill('')
  })
})
