// `npm run bench:wan`: Homeport over a real link, not loopback. The test sshd sits behind a latency proxy
// (test/homeserver/latency-proxy.ts) at 0 ms and at 50 ms round trip; at each, whole `homeport` commands (the
// bundle, each on its own SSH connection, the server's Docker socket remembered from an earlier run, as for
// anyone's second command) run in turn with their OpenSSH anchors through the same proxy:
//   server test                     against  ssh HOST true                                target ≤ 1.0 at 50 ms
//   ps NAME --json                  against  ssh HOST docker ps -a                        target ≤ 1.0 at 50 ms
//   apps install (2 services)       against  scp compose.yml .env + ssh HOST docker-compose up -d   target ≤ 0.5 at 50 ms
// Images are in the engine already, so the time is the exchanges, not a download. Then the round trips each
// action takes, from `--verbose` (they do not depend on the delay). Exits 0 even when a target is missed.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startLatencyProxy } from '../homeserver/latency-proxy.js'
import { run } from '../homeserver/process.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import { runBench } from './bench-homeserver.js'
import { formatMs, median, sampleInterleaved, table } from './bench-stats.js'
import { prepareSshClient } from './ssh-client-setup.js'
import { roundTripTable } from './wan-round-trips.js'

const RUNS = Number(process.env.HOMEPORT_BENCH_WAN_RUNS ?? 7)
const INSTALL_RUNS = Number(process.env.HOMEPORT_BENCH_WAN_INSTALL_RUNS ?? 5)
const ROUND_TRIPS_MS = [0, 50]
const SERVER = 'bench'
const APP = 'hp-wan-app'
const ANCHOR = 'hp-wan-anchor'
const launcher = resolve(fileURLToPath(import.meta.url), '../../../bin/homeport.js')

export function twoServiceApp(registry: string): string {
  return `services:
  web:
    image: ${registry}/homeport/httpd:1
    depends_on:
      - db
    env_file: .env
  db:
    image: ${registry}/homeport/busybox:1
    command: ["sleep", "3600"]
    environment:
      ROLE: \${ROLE}
`
}

/** Removes a Compose project's containers and network with the local docker CLI (not timed). */
async function removeProject(info: HomeServerInfo, project: string): Promise<void> {
  const env = { ...process.env, DOCKER_HOST: info.dockerHost }
  const ids = (await run('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], { env })).stdout.split('\n').filter(Boolean)
  if (ids.length) await run('docker', ['rm', '-f', ...ids], { env })
  await run('docker', ['network', 'rm', `${project}_default`], { env, allowFailure: true })
}

interface Row {
  rtt: number
  label: string
  anchor: number[]
  homeport: number[]
  target: number
}

async function main(info: HomeServerInfo): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'homeport-bench-wan-'))
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, HOMEPORT_HOME: join(home, 'data'), HOMEPORT_CLI_SOURCE: '0', HOMEPORT_NO_CONTROL: '1' }
  delete env.SSH_AUTH_SOCK
  const homeport = (args: string[]) => run(process.execPath, [launcher, ...args], { env })
  const compose = join(home, 'compose.yml')
  const dotenv = join(home, '.env')
  writeFileSync(compose, twoServiceApp(info.registry))
  writeFileSync(dotenv, 'ROLE=bench\n')
  const remoteDir = `/tmp/${ANCHOR}-${process.pid}`
  const proxy = await startLatencyProxy({ targetPort: info.sshPort, oneWayMs: 0 })
  const ssh = await prepareSshClient({ ...info, sshPort: proxy.port })
  const rows: Row[] = []
  try {
    await homeport(['server', 'add', SERVER, '--host', info.host, '--port', String(proxy.port), '--user', info.user, '--identity', info.keys.ed25519, '--host-key', info.hostKeyFingerprint])
    // The first command finds the Docker socket and remembers it; every measured one is a later command.
    await homeport(['ps', SERVER, '--json'])
    await ssh.ssh(['mkdir', '-p', remoteDir])
    await removeProject(info, APP)
    await removeProject(info, ANCHOR)

    for (const rtt of ROUND_TRIPS_MS) {
      proxy.oneWayMs = rtt / 2
      console.log(`measuring at ${rtt} ms round trip…`)
      const [sshTrue, serverTest] = await sampleInterleaved(RUNS, [() => ssh.sshTrue(), () => homeport(['server', 'test', SERVER, '--json'])], 1)
      rows.push({ rtt, label: 'server test / ssh HOST true', anchor: sshTrue, homeport: serverTest, target: 1 })
      const [sshPs, ps] = await sampleInterleaved(RUNS, [() => ssh.sshDockerPs(), () => homeport(['ps', SERVER, '--json'])], 1)
      rows.push({ rtt, label: 'ps --json / ssh HOST docker ps -a', anchor: sshPs, homeport: ps, target: 1 })

      const anchorTimes: number[] = []
      const installTimes: number[] = []
      for (let i = 0; i < INSTALL_RUNS; i++) {
        let started = performance.now()
        await ssh.scp([compose, dotenv], remoteDir)
        await ssh.ssh([`cd ${remoteDir} && docker-compose -p ${ANCHOR} up -d --quiet-pull 2>/dev/null`])
        anchorTimes.push(performance.now() - started)
        await removeProject(info, ANCHOR)
        started = performance.now()
        await homeport(['apps', 'install', SERVER, '--file', compose, '--env-file', dotenv, '--name', APP])
        installTimes.push(performance.now() - started)
        await homeport(['apps', 'remove', SERVER, APP, '--yes'])
      }
      rows.push({ rtt, label: 'apps install, 2 services / scp + ssh docker-compose up -d', anchor: anchorTimes, homeport: installTimes, target: 0.5 })
    }
    proxy.oneWayMs = 0

    const [load] = loadavg()
    console.log(`\nWhole commands through the latency proxy, p50 of ${RUNS} (installs: ${INSTALL_RUNS}), interleaved with their anchors (load average ${load.toFixed(1)}):\n`)
    console.log(
      table(
        ['round trip', 'flow / anchor', 'anchor p50', 'homeport p50', 'ratio p50', 'ratio min', 'target', ''],
        rows.map((r) => {
          const ratio = median(r.homeport) / median(r.anchor)
          // The fastest runs of each: what is left when the machine's other load is least in the way.
          const best = Math.min(...r.homeport) / Math.min(...r.anchor)
          const judged = r.rtt === 50 ? (ratio <= r.target ? 'ok' : 'MISSED') : ''
          return [`${r.rtt} ms`, r.label, formatMs(median(r.anchor)), formatMs(median(r.homeport)), ratio.toFixed(2), best.toFixed(2), r.rtt === 50 ? `≤ ${r.target}` : '-', judged]
        }),
      ),
    )
    // What 50 ms of round trip added, in round trips: the flow's sequential exchanges, whatever it sends.
    console.log('\nSequential round trips felt (p50 at 50 ms − p50 at 0 ms) / 50 ms:\n')
    const felt = rows.filter((r) => r.rtt === 50).map((r) => {
      const base = rows.find((b) => b.rtt === 0 && b.label === r.label) as Row
      const rounds = (times50: number[], times0: number[]) => ((median(times50) - median(times0)) / 50).toFixed(1)
      return [r.label, rounds(r.anchor, base.anchor), rounds(r.homeport, base.homeport)]
    })
    console.log(table(['flow / anchor', 'anchor', 'homeport'], felt))
    console.log(`\nRound trips per action (--verbose; the same at any delay):\n`)
    console.log(await roundTripTable({ homeport, server: SERVER, app: APP, compose, dotenv, home }))
    console.log('\nThe anchor for installs is Debian\'s docker-compose (v1) run on the server over ssh, after scp of both files.\n')
  } finally {
    await homeport(['apps', 'remove', SERVER, APP, '--yes']).catch(() => undefined)
    await removeProject(info, APP).catch(() => undefined)
    await removeProject(info, ANCHOR).catch(() => undefined)
    await ssh.ssh(['rm', '-rf', remoteDir]).catch(() => undefined)
    await ssh.dispose()
    await proxy.close()
    rmSync(home, { recursive: true, force: true })
  }
}

runBench(main)
