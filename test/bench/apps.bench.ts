// `npm run bench:apps`: (1) install time of a three-service app whose images are present, Homeport's
// `apps.install` job against `docker-compose -p NAME up -d` of the same file on the server; (2) delivering
// 1,000,000 log lines, Homeport's `apps.logs` / `apps.logsFollow` through the tunnel against `docker logs` on
// the engine's local socket. One run against the test home server; prints a table and each ratio against its
// target; exits 0 even when a target is missed.

import { run } from '../homeserver/process.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import { benchInstall } from './apps-install-bench.js'
import { benchLogs, createLogApp, LOG_LINES, type LogApp } from './apps-logs-bench.js'
import { openBenchCore } from './bench-core.js'
import { runBench } from './bench-homeserver.js'
import { formatMs, median, percentile, table } from './bench-stats.js'

const INSTALL_RUNS = Number(process.env.HOMEPORT_BENCH_INSTALL_RUNS ?? 7)
const LOG_RUNS = Number(process.env.HOMEPORT_BENCH_LOG_RUNS ?? 5)

const log = (line: string): void => console.log(line)

/** Anything a failed run may have left: containers, networks and volumes of the benchmark's projects. */
async function removeLeftovers(info: HomeServerInfo): Promise<void> {
  const env = { ...process.env, DOCKER_HOST: info.dockerHost }
  const mine = (names: string) => names.split('\n').filter((n) => /^hpb[a-z0-9]+-|^hpbench-logs-/.test(n))
  const list = async (args: string[]) => mine((await run('docker', args, { env, allowFailure: true })).stdout.trim())
  const containers = await list(['ps', '-a', '--format', '{{.Names}}'])
  if (containers.length) await run('docker', ['rm', '-f', ...containers], { env, allowFailure: true })
  const networks = await list(['network', 'ls', '--format', '{{.Name}}'])
  if (networks.length) await run('docker', ['network', 'rm', ...networks], { env, allowFailure: true })
  const volumes = await list(['volume', 'ls', '--format', '{{.Name}}'])
  if (volumes.length) await run('docker', ['volume', 'rm', ...volumes], { env, allowFailure: true })
}

async function main(info: HomeServerInfo): Promise<void> {
  const bench = await openBenchCore(info)
  let logApp: LogApp | undefined
  try {
    const install = await benchInstall(info, bench, INSTALL_RUNS, log)
    logApp = await createLogApp(info)
    const logs = await benchLogs(info, bench, logApp, LOG_RUNS, log)

    const rate = (seconds: number[]) => LOG_LINES / median(seconds)
    console.log(`\nInstall of a three-service app, images present (${INSTALL_RUNS} runs each, interleaved):\n`)
    console.log(
      table(
        ['path', 'median', 'min', 'p95'],
        [
          ["Homeport apps.install (job through the tunnel)", install.homeport],
          ['docker-compose -p NAME up -d (on the server)', install.compose],
        ].map(([label, t]) => [label as string, formatMs(median(t as number[])), formatMs(Math.min(...(t as number[]))), formatMs(percentile(t as number[], 95))]),
      ),
    )
    console.log(`\nDelivering ${LOG_LINES.toLocaleString('en')} log lines (${LOG_RUNS} runs each, interleaved; median):\n`)
    console.log(
      table(
        ['path', 'median', 'lines/s'],
        [
          ['anchor: docker logs, local socket, stdout counted', logs.dockerCli],
          ['(engine socket via dockerode, raw frames; no target)', logs.engineRaw],
          ['Homeport apps.logs (readLogs through the tunnel)', logs.readLogs],
          ['Homeport apps.logsFollow (batches until end)', logs.followLogs],
        ].map(([label, t]) => [label as string, `${median(t as number[]).toFixed(2)} s`, Math.round(rate(t as number[])).toLocaleString('en')]),
      ),
    )
    const ratios: Array<[string, number, string, boolean]> = [
      ['install: Homeport / docker-compose', median(install.homeport) / median(install.compose), '≤ 1.2', median(install.homeport) / median(install.compose) <= 1.2],
      ['logs: apps.logs / docker logs (lines/s)', rate(logs.readLogs) / rate(logs.dockerCli), '≥ 0.8', rate(logs.readLogs) / rate(logs.dockerCli) >= 0.8],
      ['logs: apps.logsFollow / docker logs (lines/s)', rate(logs.followLogs) / rate(logs.dockerCli), '≥ 0.8', rate(logs.followLogs) / rate(logs.dockerCli) >= 0.8],
    ]
    console.log('\nRatios:\n')
    console.log(table(['ratio', 'value', 'target', ''], ratios.map(([name, v, target, ok]) => [name, v.toFixed(2), target, ok ? 'OK' : 'MISSED'])))
    console.log('')
  } finally {
    await logApp?.remove()
    await bench.close()
    await removeLeftovers(info)
  }
}

runBench(main)
