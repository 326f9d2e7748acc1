// The window at scale, measured in headless Chromium through the web host against the test home server:
// the container table at 6 (the anchor), 500 and 1,000 containers (open the server page, stop and start one,
// create and remove 200 — and 500 at the largest — in a burst) and an app's logs (a 500,000-line tail with
// Follow on and off against a 500-line one, scrolling at 100 and 3,000 px a frame, following 1,000 lines/s),
// with main-thread long tasks, frame rate and the web host's RSS. Frame rates are also given as a ratio of the
// idle page's, measured in this run. The web host runs in a process of its own (window-bench-host.ts), so its
// memory is its own and not the Playwright driver's.
// HOMEPORT_BENCH_CONTAINERS=6,200: other sizes (a quick run); HOMEPORT_BENCH_LOGS=0 leaves the logs out.

import { chromium } from 'playwright-core'
import { run } from '../homeserver/process.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import { CHROMIUM, CHROMIUM_ARGS, ensureRendererBuilt } from '../e2e/harness.js'
import { runBench } from './bench-homeserver.js'
import { startBenchHost } from './window-bench-host-process.js'
import { containerFlows } from './window-bench-containers.js'
import { logFlows } from './window-bench-logs.js'
import { INSTRUMENT, measure, mib, reporter, sleep } from './window-bench-page.js'

const PREFIX = `hpwinbench${process.pid}`
const SERVER = 'bench-window'
const SIZES = (process.env.HOMEPORT_BENCH_CONTAINERS ?? '6,500,1000').split(',').map(Number)
const LOGS = process.env.HOMEPORT_BENCH_LOGS !== '0'
const BURST = 200
const BIG_BURST = 500
const TAIL = 500_000

runBench(async (home: HomeServerInfo) => {
  const docker = async (args: string[]) => (await run('docker', args, { env: { ...process.env, DOCKER_HOST: home.dockerHost } })).stdout.trim()
  const image = home.images[0]
  const removeAll = async () => {
    const ids = (await docker(['ps', '-aq', '--filter', `name=^${PREFIX}`])).split('\n').filter(Boolean)
    for (let i = 0; i < ids.length; i += 100) await docker(['rm', '-f', ...ids.slice(i, i + 100)])
  }
  const { report, table } = reporter()
  ensureRendererBuilt()
  const host = await startBenchHost()
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
  try {
    await removeAll()
    // Two apps as Docker Compose labels them: one with a 500,000-line log, one writing 1,000 lines a second.
    const app = (name: string, script: string) =>
      docker(['run', '-d', '--name', `${PREFIX}-${name}-talk-1`, '--network', 'none', '--label', `com.docker.compose.project=${PREFIX}-${name}`, '--label', 'com.docker.compose.service=talk', '--label', 'com.docker.compose.container-number=1', image, 'sh', '-c', script])
    if (LOGS) {
      await app('big', `seq 1 ${TAIL} | sed 's/^/log line number /'; sleep 3600`)
      await app('fast', 'while true; do seq 1 100 | sed "s/^/fast line /"; sleep 0.1; done')
    }
    await host.call('servers.add', { name: SERVER, host: home.host, port: home.sshPort, user: home.user, authMethod: 'key', identityFile: home.keys.ed25519, hostKey: home.hostKeyFingerprint })
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 } })
    await context.addInitScript(INSTRUMENT)
    const page = await context.newPage()
    await page.goto(host.url)
    await page.getByTestId('app-shell').waitFor({ timeout: 30_000 })
    await sleep(2000)
    const idle = await measure(page, () => sleep(3000))
    report('anchor: idle page frame rate', `${idle.fps} fps`, '—')
    report('web host RSS idle', `${mib((await host.memory(false)).rss)} MiB`, '—')

    const bench = { page, docker, image, prefix: PREFIX, server: SERVER, report, idleFps: idle.fps }
    await containerFlows(bench, SIZES, BURST, BIG_BURST)
    if (LOGS) await logFlows({ page, host, server: SERVER, bigApp: `${PREFIX}-big`, fastApp: `${PREFIX}-fast`, tail: TAIL, report, idleFps: idle.fps })
    await context.close()
  } finally {
    await browser.close().catch(() => undefined)
    await host.close().catch(() => undefined)
    await removeAll().catch(() => undefined)
    console.log(`\n${table()}`)
  }
})
