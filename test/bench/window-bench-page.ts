// What window.bench.ts measures in the page: main-thread long tasks and frames counted from the page's first
// script, the moment a container row shows a state, blank frames while the logs scroll, and the table of
// figures printed at the end.

import type { Page } from 'playwright-core'

export interface Figures {
  longTaskMax: number
  longTaskSum: number
  fps: number
}

export type Report = (what: string, figure: string, target: string) => void

/** Prints each figure as it comes and keeps it for the table at the end. */
export function reporter(): { report: Report; table: () => string } {
  const rows: [string, string, string][] = []
  return {
    report: (what, figure, target) => {
      rows.push([what, figure, target])
      console.log(`${what}: ${figure}`)
    },
    table: () => {
      const width = Math.max(7, ...rows.map((r) => r[0].length))
      return [`${'measure'.padEnd(width)} | figure | target`, ...rows.map(([what, figure, target]) => `${what.padEnd(width)} | ${figure} | ${target}`)].join('\n')
    },
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
export const mib = (bytes: number) => Math.round(bytes / 1024 / 1024)
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

// Counts main-thread long tasks and frames from the page's first script on.
export const INSTRUMENT = `(() => {
  const bench = { long: [], frames: 0, since: performance.now() }
  window.__bench = bench
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) bench.long.push(entry.duration) }).observe({ type: 'longtask', buffered: true })
  const tick = () => { bench.frames++; requestAnimationFrame(tick) }
  requestAnimationFrame(tick)
})()`

/** Long tasks and frames counted in the page while `body` runs. */
export async function measure(page: Page, body: () => Promise<void>): Promise<Figures> {
  await page.evaluate('(() => { const b = window.__bench; b.long = []; b.frames = 0; b.since = performance.now() })()')
  await body()
  return (await page.evaluate(`(() => {
    const b = window.__bench
    const seconds = (performance.now() - b.since) / 1000
    return { longTaskMax: Math.round(Math.max(0, ...b.long)), longTaskSum: Math.round(b.long.reduce((a, x) => a + x, 0)), fps: Math.round(b.frames / seconds) }
  })()`)) as Figures
}

/** Notes (Date.now(), the machine's clock, as Docker's event times are) when the row of `name` first shows `state`. */
export const WATCH_ROW = (name: string, state: string) => `(() => {
  window.__rowAt = undefined
  const table = document.querySelector('[data-testid="container-table"]')
  const check = () => {
    const row = table.querySelector('[data-testid="container-row-${name}"]')
    if (window.__rowAt === undefined && row && row.getAttribute('data-state') === '${state}') { window.__rowAt = Date.now(); observer.disconnect() }
  }
  const observer = new MutationObserver(check)
  observer.observe(table, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] })
})()`

/**
 * Notes when the rows of the burst named `prefix` last came or went in the container table. Only the burst's own
 * rows count: the table lists every container of the engine, and other work on the same engine (tests running
 * beside the benchmark) adds and removes containers of its own at any moment. The burst is removed oldest
 * first, so its last rows to go are the newest, the ones drawn at the top.
 */
export const WATCH_BURST = (prefix: string) => `(() => {
  window.__burstAt = Date.now()
  const table = document.querySelector('[data-testid="container-table"]')
  const drawn = () => [...table.querySelectorAll('[data-testid^="container-row-${prefix}"]')].map((row) => row.getAttribute('data-testid')).join(' ')
  let last = drawn()
  new MutationObserver(() => {
    const now = drawn()
    if (now !== last) (last = now), (window.__burstAt = Date.now())
  }).observe(table, { subtree: true, childList: true })
})()`

// Scrolls the log viewport `px` a frame and counts the frames painted with part of the view left blank.
export const SCROLL = (px: number) => `new Promise((done) => {
  const el = document.querySelector('[data-testid="logs-viewport"]')
  el.scrollTop = 0
  let frames = 0
  let blank = 0
  const frame = () => {
    el.scrollTop += ${px}
    // What this frame paints: the rows now in the DOM against the new scroll position.
    const view = el.getBoundingClientRect()
    const lines = el.querySelectorAll('[data-testid="log-line"]')
    const top = lines.length ? lines[0].getBoundingClientRect().top : Infinity
    const bottom = lines.length ? lines[lines.length - 1].getBoundingClientRect().bottom : -Infinity
    if (top > view.top + 1 || bottom < view.bottom - 1) blank++
    if (++frames < 300 && el.scrollTop + el.clientHeight < el.scrollHeight - 1) requestAnimationFrame(frame)
    else done(blank)
  }
  requestAnimationFrame(frame)
})`
