// The laptop half of `npm run bench:monitor`: the core's own CPU time while 10 servers are connected and
// sampled every 5 s (10 entries pointing at the test home server: 10 SSH connections, 10 agent watches, 10
// Docker event streams, container stats every 30 s, SQLite writes and rollups), as a share of one core. The
// anchor, in the same run: the same 10 connections held with monitoring off, over as long a stretch. Five
// containers of a stand-in app run on the server meanwhile, so each round of container stats reads them.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, createDispatch } from '../../electron/core/runtime/index.js'
import { MemorySecretStore } from '../../electron/core/secrets/memory-store.js'
import { run } from '../homeserver/process.js'
import type { HomeServerInfo } from '../homeserver/types.js'

const SERVERS = 10
const CONTAINERS = 5
const PREFIX = 'hpbench-mon-'

export interface CpuFigures {
  seconds: number
  idlePercent: number
  sampledPercent: number
  samples: number
  containerReadings: number
  containers: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** CPU time of this process over `ms`, as a percentage of one core. */
async function cpuOver(ms: number): Promise<number> {
  const cpu = process.cpuUsage()
  const wall = process.hrtime.bigint()
  await sleep(ms)
  const used = process.cpuUsage(cpu)
  const elapsedUs = Number(process.hrtime.bigint() - wall) / 1000
  return ((used.user + used.system) / elapsedUs) * 100
}

async function standInApp(info: HomeServerInfo, up: boolean): Promise<void> {
  const env = { ...process.env, DOCKER_HOST: info.dockerHost }
  const names = Array.from({ length: CONTAINERS }, (_, i) => `${PREFIX}${i + 1}`)
  await run('docker', ['rm', '-f', ...names], { env, allowFailure: true })
  if (!up) return
  const image = info.images.find((i) => i.includes('/homeport/busybox:'))!
  for (const name of names) await run('docker', ['run', '-d', '--name', name, '--label', 'com.docker.compose.project=hpbench-mon', image, 'sleep', '3600'], { env })
}

export async function benchCpu(info: HomeServerInfo, seconds: number, log: (line: string) => void): Promise<CpuFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'homeport-bench-cpu-'))
  await standInApp(info, true)
  let samples = 0
  let containerReadings = 0
  let containers = 0
  const core = await createCore({
    dataDir: dir,
    secrets: new MemorySecretStore(),
    sshConfigPath: join(dir, 'ssh_config'),
    knownHostsPath: join(dir, 'known_hosts'),
    events: {
      emit: (event, payload) => {
        if (event === 'monitor.sample') samples++
        if (event === 'monitor.containers') {
          containerReadings++
          containers = Math.max(containers, (payload as { containers: unknown[] }).containers.length)
        }
      },
    },
  })
  const dispatch = createDispatch(core.handlers)
  const call = async (method: Parameters<typeof dispatch>[0], input: unknown) => {
    const r = await dispatch(method, input as never, { clientId: 'bench' })
    if (!r.ok) throw new Error(`${method}: ${r.error.message} ${r.error.details ?? ''}`)
    return r.value
  }
  try {
    await call('monitor.configure', { enabled: false, intervalSeconds: 5, containerStatsSeconds: 30 })
    for (let i = 1; i <= SERVERS; i++) {
      await call('servers.add', { name: `bench-${i}`, host: info.host, port: info.sshPort, user: info.user, authMethod: 'key', identityFile: info.keys.ed25519, hostKey: info.hostKeyFingerprint })
      await call('servers.connect', { id: `bench-${i}` })
    }
    // Monitoring never installs the agent itself (set-up does); all ten entries share the test user's home.
    await call('agent.install', { serverId: 'bench-1' })
    log(`${SERVERS} servers connected; monitoring off for ${seconds} s (anchor)…`)
    await sleep(3000)
    const idlePercent = await cpuOver(seconds * 1000)
    await call('monitor.configure', { enabled: true })
    log(`monitoring on: warming up 15 s (agent check, first Docker lists), then measuring ${seconds} s…`)
    await sleep(15_000)
    const before = samples
    const readingsBefore = containerReadings
    const sampledPercent = await cpuOver(seconds * 1000)
    return { seconds, idlePercent, sampledPercent, samples: samples - before, containerReadings: containerReadings - readingsBefore, containers }
  } finally {
    await core.close()
    await standInApp(info, false)
    rmSync(dir, { recursive: true, force: true })
  }
}

export function printCpu(f: CpuFigures): void {
  console.log(`\nLaptop cost, ${SERVERS} servers connected (${f.seconds} s measured):`)
  console.log(`  anchor: connections held, monitoring off          ${f.idlePercent.toFixed(3)} % of one core`)
  console.log(`  Homeport monitoring, host samples every 5 s        ${f.sampledPercent.toFixed(3)} % of one core  target < 1 %: ${f.sampledPercent < 1 ? 'met' : 'MISSED'}`)
  console.log(`  monitoring's own share (difference)                ${(f.sampledPercent - f.idlePercent).toFixed(3)} % of one core`)
  console.log(`  ${f.samples} host samples (expected ≈ ${Math.round((SERVERS * f.seconds) / 5)}), ${f.containerReadings} container-stats rounds, up to ${f.containers} containers per server`)
}
