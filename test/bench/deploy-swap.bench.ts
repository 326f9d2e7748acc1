// `npm run bench:deploy`: failed requests while an app's versions swap under load, in one run against the
// test home server. Homeport: 10 `deploy.run`s of a changed project folder (built on the server, started beside
// the serving version, health-checked, switched in the Caddy proxy, old one drained and stopped). Anchor: the
// swap a person does without a proxy, 10 times `docker rm -f` of the running version then `docker run -p`
// of the other image on the same port. Two clients request the port without pause throughout, each on a
// fresh connection; every error or non-200 answer is a failed request. Target: 0 for Homeport.

import { rmSync } from 'node:fs'
import { run } from '../homeserver/process.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import type { DeployJobResult } from '../../shared/contract/index.js'
import { caddyTestImage } from '../integration/deploy/caddy-image.js'
import { get, loadLoop, testProject } from '../integration/deploy/deploy-fixture.js'
import { BENCH_SERVER, CLIENT, openBenchCore } from './bench-core.js'
import { runBench } from './bench-homeserver.js'
import { formatMs, median, table } from './bench-stats.js'

const SWAPS = Number(process.env.HOMEPORT_BENCH_SWAPS ?? 10)
const APP = `hpbs${process.pid.toString(36)}`
const PROXY = `homeport-proxy-${APP}`
const PORT = 18791
const ANCHOR_PORT = 18792
const elapsedMs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6

async function main(info: HomeServerInfo): Promise<void> {
  const env = { ...process.env, DOCKER_HOST: info.dockerHost }
  const docker = (args: string[]) => run('docker', args, { env })
  const bench = await openBenchCore(info)
  const project = testProject(info, `app: ${APP}\nserver: ${BENCH_SERVER}\nport: ${PORT}\nhealth:\n  path: /health\n  timeout: 60\n`)
  const anchorName = (i: number) => `${APP}-anchor-${i}`
  try {
    await bench.core.handlers['settings.set']({ key: 'deploy.proxyImage', value: await caddyTestImage(info) }, CLIENT)
    await bench.core.handlers['settings.set']({ key: 'deploy.proxyName', value: PROXY }, CLIENT)
    const deploy = async (page: string): Promise<DeployJobResult> => {
      project.write(page)
      const { jobId } = await bench.core.handlers['deploy.run']({ dir: project.dir }, CLIENT)
      const job = await bench.finished(jobId, 300_000)
      if (job.state !== 'succeeded') throw new Error(`deploy of ${page} ended ${job.state}: ${job.error?.message ?? ''} ${job.error?.details ?? ''}`)
      return job.result as DeployJobResult
    }
    const first = await deploy('swap-0')
    if ((await get(PORT)).body !== 'swap-0') throw new Error('the first deploy does not serve')

    // Homeport: each swap is a deploy of a changed folder.
    const homeportLoad = loadLoop(PORT)
    const homeportSwaps: number[] = []
    let last = first
    for (let i = 1; i <= SWAPS; i++) {
      const start = process.hrtime.bigint()
      last = await deploy(`swap-${i}`)
      homeportSwaps.push(elapsedMs(start))
    }
    await homeportLoad.stop()
    // Requests already in flight at a switch finish on the old version, so a client may see it once more.
    const served = new Set(homeportLoad.seen).size

    // Anchor: stop the running container, run the other image on the same published port.
    // The two newest kept versions (older ones were pruned: only the last 3 stay).
    const images = [`homeport-deploy/${APP}:${last.previous ?? first.version}`, `homeport-deploy/${APP}:${last.version}`]
    await docker(['run', '-d', '--name', anchorName(0), '-p', `127.0.0.1:${ANCHOR_PORT}:8080`, images[0]!])
    for (let tries = 0; (await get(ANCHOR_PORT).catch(() => ({ status: 0 }))).status !== 200; tries++) {
      if (tries > 100) throw new Error('the anchor container does not serve')
      await new Promise((r) => setTimeout(r, 100))
    }
    const anchorLoad = loadLoop(ANCHOR_PORT)
    const anchorSwaps: number[] = []
    for (let i = 1; i <= SWAPS; i++) {
      const start = process.hrtime.bigint()
      await docker(['rm', '-f', anchorName(i - 1)])
      await docker(['run', '-d', '--name', anchorName(i), '-p', `127.0.0.1:${ANCHOR_PORT}:8080`, images[i % 2]!])
      anchorSwaps.push(elapsedMs(start))
      await new Promise((r) => setTimeout(r, 1_000))
    }
    await anchorLoad.stop()

    console.log(`\n${SWAPS} swaps under load (2 clients, a fresh connection per request)\n`)
    console.log(
      table(
        ['', 'requests', 'failed', 'failed per swap', 'swap median'],
        [
          ['Homeport (deploy: build, health gate, Caddy switch, drain)', String(homeportLoad.requests), String(homeportLoad.failures.length), (homeportLoad.failures.length / SWAPS).toFixed(1), formatMs(median(homeportSwaps))],
          ['anchor (docker rm -f + docker run -p)', String(anchorLoad.requests), String(anchorLoad.failures.length), (anchorLoad.failures.length / SWAPS).toFixed(1), formatMs(median(anchorSwaps))],
        ],
      ),
    )
    const ratio = anchorLoad.failures.length ? (homeportLoad.failures.length / anchorLoad.failures.length).toFixed(3) : 'n/a (the anchor failed none)'
    console.log(`\nfailed requests, Homeport / anchor: ${ratio}; target: 0 failed for Homeport — ${homeportLoad.failures.length === 0 ? 'met' : 'MISSED'}`)
    console.log(`versions the clients saw during Homeport's swaps: ${served} of ${SWAPS + 1}`)
    if (homeportLoad.failures.length) console.log(`first failures: ${homeportLoad.failures.slice(0, 5).join(' | ')}`)
  } finally {
    await bench.close()
    project.dispose()
    const mine = (await run('docker', ['ps', '-a', '--format', '{{.Names}}'], { env, allowFailure: true })).stdout.split('\n').filter((n) => n.includes(APP))
    if (mine.length) await run('docker', ['rm', '-f', ...mine], { env, allowFailure: true })
    await run('docker', ['network', 'rm', PROXY], { env, allowFailure: true })
    const images = (await run('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', `homeport-deploy/${APP}`], { env, allowFailure: true })).stdout.split('\n').filter(Boolean)
    if (images.length) await run('docker', ['rmi', '-f', ...images], { env, allowFailure: true })
    for (const dir of [`deploy/${APP}`, `proxy/${PROXY}`]) rmSync(`/home/${info.user}/.local/share/homeport/${dir}`, { recursive: true, force: true })
  }
}

runBench(main)
