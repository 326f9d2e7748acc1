// The log viewer of window.bench.ts: a 500,000-line tail with Follow on and off (the anchor is a 500-line tail
// in the same run), scrolling at 100 and 3,000 px a frame, following 1,000 lines/s, and the web host's memory
// before, during (its peak) and after the log view closes.

import type { Page } from 'playwright-core'
import { SCROLL, measure, mib, sleep, type Report } from './window-bench-page.js'

export interface LogBench {
  page: Page
  server: string
  /** The app with the big log and the one writing 1,000 lines a second. */
  bigApp: string
  fastApp: string
  tail: number
  report: Report
  idleFps: number
}

/** The web host's resident memory, sampled every 100 ms until stopped; the peak is kept. */
function rssPeak(): { stop: () => number } {
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100)
  return { stop: () => (clearInterval(timer), peak) }
}

/** The app's logs tab, through the apps list (filtered by its name when the list is long). */
async function openLogs(page: Page, server: string, app: string): Promise<void> {
  await page.getByTestId(`sidebar-apps-${server}`).click()
  await page.getByTestId('apps-list').waitFor({ timeout: 120_000 })
  const filter = page.getByTestId('apps-filter')
  if (await filter.count()) await filter.fill(app)
  await page.getByTestId(`app-link-${app}`).click({ timeout: 120_000 })
  await page.getByRole('tab', { name: 'Logs' }).click()
  await page.getByTestId('log-line').first().waitFor({ timeout: 30_000 })
}

export async function logFlows(b: LogBench): Promise<void> {
  const { page } = b
  const ratio = (fps: number) => `${fps} fps (${(fps / Math.max(1, b.idleFps)).toFixed(2)}× idle)`
  global.gc?.()
  await sleep(1000)
  const rssIdle = process.memoryUsage().rss
  b.report('web host RSS idle, before the logs', `${mib(rssIdle)} MiB`, '—')
  const during = rssPeak()

  await openLogs(page, b.server, b.bigApp)
  let anchorFirst = 0
  for (const [lines, follow] of [[500, false], [b.tail, true], [b.tail, false]] as const) {
    const toggle = page.getByTestId('logs-follow')
    if (((await toggle.getAttribute('aria-checked')) === 'true') !== follow) await toggle.click()
    let first = 0
    let all = 0
    const tail = await measure(page, async () => {
      // A page of lines is drawn before the rest arrives: wait for a fresh first line, not the old buffer's.
      await page.getByTestId('logs-tail').fill(String(lines))
      const start = Date.now()
      if (follow) await page.getByTestId('logs-tail').press('Enter')
      else await page.getByTestId('logs-reload').click()
      await page.getByTestId('logs-loading').waitFor({ timeout: 5000 }).catch(() => undefined)
      await page.getByTestId('log-line').first().waitFor()
      first = Date.now() - start
      await page.getByTestId('logs-loading').waitFor({ state: 'detached', timeout: 600_000 })
      all = Date.now() - start
    })
    if (!anchorFirst) {
      anchorFirst = first
      b.report('anchor: tail 500, Follow off', `first lines ${first} ms, all ${all} ms`, '—')
      continue
    }
    b.report(
      `tail ${lines.toLocaleString('en')}, Follow ${follow ? 'on' : 'off'}`,
      `first lines ${first} ms (${(first / Math.max(1, anchorFirst)).toFixed(1)}× the anchor), all ${all} ms, ${ratio(tail.fps)}, longest task ${tail.longTaskMax} ms`,
      'first lines at once',
    )
  }
  for (const step of [100, 3000]) {
    let blank = 0
    const scroll = await measure(page, async () => {
      blank = (await page.evaluate(SCROLL(step))) as number
    })
    b.report(`scroll logs at ${step} px/frame`, `${blank} blank frames, ${ratio(scroll.fps)}, longest task ${scroll.longTaskMax} ms`, step === 3000 ? '0 blank frames' : '—')
  }

  await openLogs(page, b.server, b.fastApp)
  const fast = await measure(page, () => sleep(10_000))
  b.report('following 1,000 lines/s for 10 s', `${ratio(fast.fps)}, longest task ${fast.longTaskMax} ms, ${(await page.getByTestId('logs-status').textContent())?.trim()}`, 'smooth')
  const rssAfterLogs = process.memoryUsage().rss
  const peak = during.stop()
  b.report('web host RSS peak during the logs', `${mib(peak)} MiB (${(peak / rssIdle).toFixed(2)}× idle)`, '—')
  b.report('web host RSS with the log view open', `${mib(rssAfterLogs)} MiB (${(rssAfterLogs / rssIdle).toFixed(2)}× idle)`, '—')
  await page.getByTestId(`sidebar-apps-${b.server}`).click()
  await sleep(15_000)
  global.gc?.()
  const rssClosed = process.memoryUsage().rss
  b.report('web host RSS 15 s after the log view closed', `${mib(rssClosed)} MiB (${(rssClosed / rssIdle).toFixed(2)}× idle)`, '≤ 1.20× idle')
}
