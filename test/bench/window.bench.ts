// The window at scale, measured in headless Chromium through the web host against the test home server:
// 1,000 containers (open the server page, stop and start one, create and remove 200 in a burst) and an app's
// logs (a 500,000-line tail with Follow on and off, scrolling at 100 and 3,000 px a frame, following 1,000
// lines/s), with main-thread long tasks, frame rate and the web host's RSS. The anchor is the same page's
// frame rate while idle, measured in this run: frame rates are also given as a ratio of it.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { createCore } from '../../electron/core/runtime/create-core.js'
import { MemorySecretStore } from '../../electron/core/secrets/memory-store.js'
import { startWebHost } from '../../electron/web/web-host.js'
import { run } from '../homeserver/process.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import { runBench } from './bench-homeserver.js'
import { CHROMIUM, CHROMIUM_ARGS, ensureRendererBuilt } from '../e2e/harness.js'

const PREFIX = `hpwinbench${process.pid}`
const SERVER = 'bench-window'
// HOMEPORT_BENCH_CONTAINERS: fewer containers for a quick run of the log part.
const MANY = Number(process.env.HOMEPORT_BENCH_CONTAINERS ?? 1000)
const BURST = 200
const TAIL = 500_000
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024)
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

interface Figures {
  longTaskMax: number
  longTaskSum: number
  fps: number
}

const rows: [string, string, string][] = []
const report = (what: string, figure: string, target: string) => {
  rows.push([what, figure, target])
  console.log(`${what}: ${figure}`)
}

/** Long tasks and frames counted in the page from now until `stop()`. */
async function measure(page: Page, body: () => Promise<void>): Promise<Figures> {
  await page.evaluate('(() => { const b = window.__bench; b.long = []; b.frames = 0; b.since = performance.now() })()')
  await body()
  return (await page.evaluate(`(() => {
    const b = window.__bench
    const seconds = (performance.now() - b.since) / 1000
    return { longTaskMax: Math.round(Math.max(0, ...b.long)), longTaskSum: Math.round(b.long.reduce((a, x) => a + x, 0)), fps: Math.round(b.frames / seconds) }
  })()`)) as Figures
}

// Counts main-thread long tasks and frames from the page's first script on.
const INSTRUMENT = `(() => {
  const bench = { long: [], frames: 0, since: performance.now() }
  window.__bench = bench
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) bench.long.push(entry.duration) }).observe({ type: 'longtask', buffered: true })
  const tick = () => { bench.frames++; requestAnimationFrame(tick) }
  requestAnimationFrame(tick)
})()`

// Scrolls the log viewport `px` a frame and counts the frames painted with part of the view left blank.
const SCROLL = (px: number) => `new Promise((done) => {
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

const WATCH_TABLE = `(() => {
  window.__lastMutation = Date.now()
  new MutationObserver(() => (window.__lastMutation = Date.now())).observe(document.querySelector('[data-testid="container-table"]'), { subtree: true, childList: true, attributes: true, characterData: true })
})()`

runBench(async (home: HomeServerInfo) => {
  const docker = async (args: string[]) => (await run('docker', args, { env: { ...process.env, DOCKER_HOST: home.dockerHost } })).stdout.trim()
  const image = home.images[0]
  const names = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${PREFIX}-${tag}${String(i).padStart(4, '0')}`)
  const inParallel = async (items: string[], each: (name: string) => Promise<unknown>) => {
    const queue = [...items]
    await Promise.all(Array.from({ length: 8 }, async () => { for (let x = queue.shift(); x; x = queue.shift()) await each(x) }))
  }
  const removeAll = async () => {
    const ids = (await docker(['ps', '-aq', '--filter', `name=^${PREFIX}`])).split('\n').filter(Boolean)
    for (let i = 0; i < ids.length; i += 100) await docker(['rm', '-f', ...ids.slice(i, i + 100)])
  }
  const repo = resolve(import.meta.dirname, '../..')
  ensureRendererBuilt()
  const dataDir = mkdtempSync(join(tmpdir(), 'homeport-bench-window-'))
  writeFileSync(join(dataDir, 'ssh_config'), '')
  writeFileSync(join(dataDir, 'known_hosts'), '')
  mkdirSync(dataDir, { recursive: true })
  let core: Awaited<ReturnType<typeof createCore>> | undefined
  const host = await startWebHost({
    rendererDir: join(repo, 'dist/renderer'),
    createCore: async (events) => (core = await createCore({ dataDir, events, secrets: new MemorySecretStore(), sshConfigPath: join(dataDir, 'ssh_config'), knownHostsPath: join(dataDir, 'known_hosts') })),
  })
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
  try {
    await removeAll()
    console.log(`creating ${MANY} containers…`)
    // Created, not started: a row costs the same; the one to stop and start runs (named to sort first).
    await inParallel(names(MANY - 1, 'c'), (name) => docker(['create', '--name', name, '--network', 'none', image, 'sleep', '3600']))
    const target = `${PREFIX}-a-target`
    await docker(['run', '-d', '--name', target, '--network', 'none', image, 'sleep', '3600'])
    // Two apps as Docker Compose labels them: one with a 500,000-line log, one writing 1,000 lines a second.
    const app = (name: string, script: string) =>
      docker(['run', '-d', '--name', `${PREFIX}-${name}-talk-1`, '--network', 'none', '--label', `com.docker.compose.project=${PREFIX}-${name}`, '--label', 'com.docker.compose.service=talk', '--label', 'com.docker.compose.container-number=1', image, 'sh', '-c', script])
    await app('big', `seq 1 ${TAIL} | sed 's/^/log line number /'; sleep 3600`)
    await app('fast', 'while true; do seq 1 100 | sed "s/^/fast line /"; sleep 0.1; done')
    await core!.handlers['servers.add']({ name: SERVER, host: home.host, port: home.sshPort, user: home.user, authMethod: 'key', identityFile: home.keys.ed25519, hostKey: home.hostKeyFingerprint }, { clientId: 'bench' })

    const context = await browser.newContext({ viewport: { width: 1280, height: 820 } })
    await context.addInitScript(INSTRUMENT)
    const page = await context.newPage()
    await page.goto(host.url)
    await page.getByTestId('app-shell').waitFor({ timeout: 30_000 })
    await sleep(2000)
    const idle = await measure(page, () => sleep(3000))
    report('anchor: idle page frame rate', `${idle.fps} fps`, '—')
    const rssIdle = process.memoryUsage().rss
    report('web host RSS idle', `${mib(rssIdle)} MiB`, '—')
    const ratio = (fps: number) => `${fps} fps (${(fps / Math.max(1, idle.fps)).toFixed(2)}× idle)`

    let start = Date.now()
    const open = await measure(page, async () => {
      await page.getByTestId(`server-item-${SERVER}`).click()
      await page.getByTestId(`container-row-${target}`).waitFor({ timeout: 120_000 })
    })
    report(`open server page, ${MANY} containers`, `${Date.now() - start} ms, longest task ${open.longTaskMax} ms, DOM rows ${await page.locator('[data-testid^="container-row-"]').count()}`, 'smooth')
    await sleep(2000)

    for (const [action, state] of [['stop', 'exited'], ['start', 'running']] as const) {
      const row = page.getByTestId(`container-row-${target}`)
      let after = 0
      const one = await measure(page, async () => {
        await docker([action, ...(action === 'stop' ? ['-t', '0'] : []), target])
        start = Date.now()
        while ((await row.getAttribute('data-state')) !== state) await sleep(5)
        after = Date.now() - start
      })
      report(`${action} one of ${MANY}: longest task`, `${one.longTaskMax} ms (row changed ${after} ms after docker returned)`, '≤ 50 ms; row ≤ 100 ms')
    }

    const burst = names(BURST, 'burst')
    let lastCommand = 0
    const lastMutation = async () => (await page.evaluate('window.__lastMutation')) as number
    await page.evaluate(WATCH_TABLE)
    const burstFigures = await measure(page, async () => {
      await inParallel(burst, (name) => docker(['create', '--name', name, '--network', 'none', image, 'sleep', '3600']))
      for (let i = 0; i < burst.length; i += 20) await docker(['rm', '-f', ...burst.slice(i, i + 20)])
      lastCommand = Date.now()
      await sleep(5000)
    })
    report(`create + remove ${BURST} in a burst`, `${ratio(burstFigures.fps)}, longest task ${burstFigures.longTaskMax} ms`, '≥ 30 fps')
    report('  settled after the last command', `${Math.max(0, (await lastMutation()) - lastCommand)} ms`, '≤ 1,000 ms')

    // Logs.
    await page.getByTestId(`sidebar-apps-${SERVER}`).click()
    await page.getByTestId(`app-link-${PREFIX}-big`).click({ timeout: 120_000 })
    await page.getByRole('tab', { name: 'Logs' }).click()
    await page.getByTestId('log-line').first().waitFor({ timeout: 30_000 })
    for (const follow of [true, false]) {
      const toggle = page.getByTestId('logs-follow')
      if (((await toggle.getAttribute('aria-checked')) === 'true') !== follow) await toggle.click()
      let first = 0
      let all = 0
      const tail = await measure(page, async () => {
        await page.getByTestId('logs-tail').fill(String(TAIL))
        start = Date.now()
        if (follow) await page.getByTestId('logs-tail').press('Enter')
        else await page.getByTestId('logs-reload').click()
        await page.getByTestId('logs-loading').waitFor({ timeout: 30_000 })
        await page.getByTestId('log-line').first().waitFor()
        first = Date.now() - start
        await page.getByTestId('logs-loading').waitFor({ state: 'detached', timeout: 600_000 })
        all = Date.now() - start
      })
      report(`tail ${TAIL.toLocaleString('en')}, Follow ${follow ? 'on' : 'off'}`, `first lines ${first} ms, all ${all} ms, ${ratio(tail.fps)}, longest task ${tail.longTaskMax} ms`, 'first lines at once')
    }
    for (const step of [100, 3000]) {
      let blank = 0
      const scroll = await measure(page, async () => {
        blank = (await page.evaluate(SCROLL(step))) as number
      })
      report(`scroll logs at ${step} px/frame`, `${blank} blank frames, ${ratio(scroll.fps)}, longest task ${scroll.longTaskMax} ms`, step === 3000 ? '0 blank frames' : '—')
    }
    const rssLogs = process.memoryUsage().rss

    await page.getByTestId(`sidebar-apps-${SERVER}`).click()
    await page.getByTestId(`app-link-${PREFIX}-fast`).click({ timeout: 120_000 })
    await page.getByRole('tab', { name: 'Logs' }).click()
    await page.getByTestId('log-line').first().waitFor({ timeout: 30_000 })
    const fast = await measure(page, () => sleep(10_000))
    report('following 1,000 lines/s for 10 s', `${ratio(fast.fps)}, longest task ${fast.longTaskMax} ms, ${(await page.getByTestId('logs-status').textContent())?.trim()}`, 'smooth')
    report('web host RSS after the logs', `${mib(rssLogs)} MiB (${(rssLogs / rssIdle).toFixed(2)}× idle)`, '—')
    await page.getByTestId(`sidebar-apps-${SERVER}`).click()
    await sleep(15_000)
    const rssClosed = process.memoryUsage().rss
    report('web host RSS 15 s after the log view closed', `${mib(rssClosed)} MiB (${(rssClosed / rssIdle).toFixed(2)}× idle)`, '≤ 1.20× idle')
    await context.close()
  } finally {
    await browser.close().catch(() => undefined)
    await host.close().catch(() => undefined)
    await removeAll().catch(() => undefined)
    rmSync(dataDir, { recursive: true, force: true })
    const width = Math.max(...rows.map((r) => r[0].length))
    console.log(`\n${'measure'.padEnd(width)} | figure | target`)
    for (const [what, figure, target] of rows) console.log(`${what.padEnd(width)} | ${figure} | ${target}`)
  }
})
