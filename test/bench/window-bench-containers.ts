// The container table of window.bench.ts at growing sizes (the smallest is the anchor, measured in the same
// run): opening the server page, one container stopped and started again (how long after Docker's event the
// row shows it, and the longest main-thread task meanwhile), and containers created and removed in a burst
// while the page is open (frame rate, longest task, when the table settles after the last command).

import type { Page } from 'playwright-core'
import { WATCH_BURST, WATCH_ROW, measure, median, sleep, type Report } from './window-bench-page.js'

export interface WindowBench {
  page: Page
  docker: (args: string[]) => Promise<string>
  image: string
  prefix: string
  server: string
  report: Report
  /** The idle page's frame rate, measured in this run. */
  idleFps: number
}

const RUNS = 5

async function inParallel(items: string[], each: (name: string) => Promise<unknown>): Promise<void> {
  const queue = [...items]
  await Promise.all(Array.from({ length: 8 }, async () => { for (let x = queue.shift(); x; x = queue.shift()) await each(x) }))
}

const names = (prefix: string, tag: string, from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => `${prefix}-${tag}${String(from + i).padStart(4, '0')}`)
const times = (anchor: number | undefined, value: number) => (anchor ? ` (${(value / Math.max(1, anchor)).toFixed(1)}× the anchor)` : '')

/** One pass per size; bursts of `burst` at every size, and of `bigBurst` at the last. */
export async function containerFlows(b: WindowBench, sizes: number[], burst: number, bigBurst: number): Promise<void> {
  const { page, docker, image, prefix } = b
  const create = (name: string) => docker(['create', '--name', name, '--network', 'none', image, 'sleep', '3600'])
  const target = `${prefix}-a-target`
  const anchor: { open?: number; row?: number; task?: number } = {}
  let filled = 0
  for (const size of sizes) {
    console.log(`${size} containers…`)
    await inParallel(names(prefix, 'c', filled, size - 1), create)
    filled = size - 1
    // The one to stop and start is the newest, so the first row of the table as Docker lists it.
    await docker(['rm', '-f', target]).catch(() => '')
    await docker(['run', '-d', '--name', target, '--network', 'none', image, 'sleep', '3600'])

    await page.getByTestId('sidebar-settings').click()
    await sleep(1500)
    const start = Date.now()
    const open = await measure(page, async () => {
      await page.getByTestId(`server-item-${b.server}`).click()
      await page.getByTestId(`container-row-${target}`).waitFor({ timeout: 180_000 })
    })
    const openMs = Date.now() - start
    anchor.open ??= openMs
    const rows = await page.locator('[data-testid^="container-row-"]').count()
    b.report(`open server page, ${size} containers`, `${openMs} ms${times(anchor.open, openMs)}, longest task ${open.longTaskMax} ms, DOM rows ${rows}`, 'smooth, rows bounded')
    await sleep(2000)

    const rowAfterEvent: number[] = []
    const longest: number[] = []
    for (let run = 0; run < RUNS; run++) {
      for (const [action, state, event] of [['stop', 'exited', 'die'], ['start', 'running', 'start']] as const) {
        await page.evaluate(WATCH_ROW(target, state))
        const since = (Date.now() / 1000 - 1).toFixed(3)
        const one = await measure(page, async () => {
          await docker([action, ...(action === 'stop' ? ['-t', '0'] : []), target])
          // Polled from here: the page's CSP forbids the string predicates of waitForFunction.
          for (const deadline = Date.now() + 60_000; (await page.evaluate('window.__rowAt')) === undefined; await sleep(10)) {
            if (Date.now() > deadline) throw new Error(`the row of ${target} never showed ${state}`)
          }
        })
        const until = (Date.now() / 1000 + 1).toFixed(3)
        const stamps = (await docker(['events', '--since', since, '--until', until, '--filter', `container=${target}`, '--filter', `event=${event}`, '--format', '{{.TimeNano}}'])).split('\n').filter(Boolean)
        const eventMs = Number(BigInt(stamps.at(-1)!) / 1_000_000n)
        rowAfterEvent.push((await page.evaluate('window.__rowAt')) as number - eventMs)
        longest.push(one.longTaskMax)
        await sleep(300)
      }
    }
    anchor.row ??= median(rowAfterEvent)
    anchor.task ??= Math.max(...longest)
    b.report(
      `stop/start one of ${size} (${RUNS}× each)`,
      `row shown ${median(rowAfterEvent)} ms after Docker's event (max ${Math.max(...rowAfterEvent)} ms${times(anchor.row, median(rowAfterEvent))}), longest task median ${median(longest)} ms, max ${Math.max(...longest)} ms`,
      'row ≤ 100 ms; task ≤ 50 ms',
    )

    for (const count of size === sizes.at(-1) ? [burst, bigBurst] : [burst]) {
      const made = names(prefix, `b${size}-`, 0, count)
      await page.evaluate(WATCH_BURST(`${prefix}-b${size}-`))
      let lastCommand = 0
      const figures = await measure(page, async () => {
        await inParallel(made, create)
        for (let i = 0; i < made.length; i += 20) await docker(['rm', '-f', ...made.slice(i, i + 20)])
        lastCommand = Date.now()
        await sleep(5000)
      })
      const settled = `${Math.max(0, ((await page.evaluate('window.__burstAt')) as number) - lastCommand)} ms`
      b.report(
        `create + remove ${count} with ${size} listed`,
        `${figures.fps} fps (${(figures.fps / Math.max(1, b.idleFps)).toFixed(2)}× idle), longest task ${figures.longTaskMax} ms, ${figures.longTaskSum} ms of long tasks, settled ${settled} after the last command`,
        '≥ 30 fps; settled ≤ 1,000 ms',
      )
    }
  }
}
