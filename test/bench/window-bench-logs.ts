// The log viewer of window.bench.ts: a 500,000-line tail with Follow on and off (the anchor is a 500-line tail
// in the same run), scrolling at 100 and 3,000 px a frame, following 1,000 lines/s, and the web host's memory
// before, during (its peak) and after the log view closes, with its breakdown (V8 heap used/reserved, memory
// outside the heap, of it buffers). "Idle" is the window open and idle before any log was asked for, read as the
// reading after the view closed is: on the same page (the apps list, where closing the view leads), after the
// same 15 s there, and after a full collection — so both readings carry the same background work of the page, and
// the target compares what the host still holds, not garbage V8 had not yet collected (the readings before that
// collection are shown too).

import type { Page } from 'playwright-core'
import type { BenchHost } from './window-bench-host-process.js'
import { SCROLL, measure, mib, sleep, type Report } from './window-bench-page.js'

export interface LogBench {
  page: Page
  host: BenchHost
  server: string
  /** The app with the big log and the one writing 1,000 lines a second. */
  bigApp: string
  fastApp: string
  tail: number
  report: Report
  idleFps: number
}

const breakdown = (m: NodeJS.MemoryUsage) => `heap ${mib(m.heapUsed)}/${mib(m.heapTotal)}, external ${mib(m.external)}, arrayBuffers ${mib(m.arrayBuffers)} MiB`

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
  await page.getByTestId(`sidebar-apps-${b.server}`).click()
  await page.getByTestId('apps-list').waitFor({ timeout: 120_000 })
  await sleep(15_000)
  const idleBeforeGc = await b.host.memory(false)
  b.report('web host RSS idle, before the logs, before a collection', `${mib(idleBeforeGc.rss)} MiB (${breakdown(idleBeforeGc)})`, '—')
  const idle = await b.host.memory(true)
  const rssIdle = idle.rss
  b.report('web host RSS idle, before the logs', `${mib(rssIdle)} MiB (${breakdown(idle)})`, '—')
  const during = await b.host.peak()

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
  const afterLogs = await b.host.memory(false)
  const rssAfterLogs = afterLogs.rss
  const peak = await during.stop()
  b.report('web host RSS peak during the logs', `${mib(peak.rss)} MiB (${(peak.rss / rssIdle).toFixed(2)}× idle; ${breakdown(peak)})`, '—')
  b.report('web host RSS with the log view open', `${mib(rssAfterLogs)} MiB (${(rssAfterLogs / rssIdle).toFixed(2)}× idle; ${breakdown(afterLogs)})`, '—')
  await page.getByTestId(`sidebar-apps-${b.server}`).click()
  // The stream must end with the view: a follow left running would keep lines (and memory) flowing.
  await sleep(2000)
  const sentAtClose = await b.host.logLines()
  await sleep(13_000)
  b.report('log lines sent 2–15 s after the log view closed', String((await b.host.logLines()) - sentAtClose), '0')
  const beforeGc = await b.host.memory(false)
  b.report('web host RSS 15 s after the log view closed, before a collection', `${mib(beforeGc.rss)} MiB (${(beforeGc.rss / rssIdle).toFixed(2)}× idle; ${breakdown(beforeGc)})`, '—')
  const closed = await b.host.memory(true)
  const rssClosed = closed.rss
  b.report('web host RSS 15 s after the log view closed', `${mib(rssClosed)} MiB (${(rssClosed / rssIdle).toFixed(2)}× idle; ${breakdown(closed)})`, '≤ 1.20× idle')
}
