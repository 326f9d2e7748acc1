// `npm run bench:tunnel`: container-list latency through (a) the engine's socket directly, (b) Homeport's
// tunnel (one SSH connection, kept-alive stream-local channels), (c) dockerode's own `protocol: 'ssh'`
// (a new SSH connection per call), (d) `docker -H ssh://…`; and connect time (new session → first
// container list) against `ssh host true`. Prints a table and the ratios against their targets; exits 0
// even when a target is missed.

import Docker from 'dockerode'
import { readFileSync } from 'node:fs'
import { dockerServiceFor } from '../../electron/core/docker/docker-service.js'
import { openTestSession } from '../integration/docker/test-session.js'
import { formatMs, median, percentile, sample, sampleInterleaved, table, type TimedRow } from './bench-stats.js'
import { runBench } from './bench-homeserver.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import { prepareSshClient } from './ssh-client-setup.js'

const CALLS = 300
const CLI_CALLS = 30
const CONNECT_RUNS = 20

async function main(info: HomeServerInfo): Promise<void> {
  const rows: TimedRow[] = []
  const ssh = await prepareSshClient(info)
  try {
    // (a) the engine's socket, no SSH at all: the anchor (dockerode's default keep-alive agent).
    // (b) Homeport: one SSH connection, calls on kept-alive stream-local channels.
    // Sampled call by call in turn, so neither gets the quieter or the warmer half of the run.
    const direct = new Docker({ socketPath: info.dockerSocket })
    const tunnel = await openTestSession(info)
    try {
      const service = dockerServiceFor(tunnel.session)
      const [directTimes, tunnelTimes] = await sampleInterleaved(CALLS, [() => direct.listContainers({ all: true }), () => service.listContainers({ all: true })], 20)
      rows.push({ label: '(a) engine socket, direct', times: directTimes })
      rows.push({ label: "(b) Homeport's tunnel", times: tunnelTimes })
    } finally {
      await tunnel.close()
    }

    // (c) dockerode's protocol 'ssh': handshake + remote `docker system dial-stdio` for every call.
    const viaSsh = new Docker({
      protocol: 'ssh',
      host: info.host,
      port: info.sshPort,
      username: info.user,
      sshOptions: { privateKey: readFileSync(info.keys.ed25519), hostVerifier: () => true },
    })
    rows.push({ label: "(c) dockerode protocol 'ssh'", times: await sample(CALLS, () => viaSsh.listContainers({ all: true }), 2) })

    // (d) the docker CLI over ssh://, as a person would type it.
    rows.push({ label: '(d) docker -H ssh:// ps', times: await sample(CLI_CALLS, () => ssh.dockerPs(), 1) })

    // Connect time: a fresh session, Docker found, first container list — against `ssh host true`.
    const connectTimes = await sample(CONNECT_RUNS, async () => {
      const fresh = await openTestSession(info)
      try {
        await dockerServiceFor(fresh.session).listContainers({ all: true })
      } finally {
        await fresh.close()
      }
    }, 2)
    const sshTrueTimes = await sample(CONNECT_RUNS, () => ssh.sshTrue(), 2)

    printReport(rows, connectTimes, sshTrueTimes)
  } finally {
    await ssh.dispose()
  }
}

function printReport(rows: TimedRow[], connectTimes: number[], sshTrueTimes: number[]): void {
  const p50 = (i: number): number => median(rows[i].times)
  console.log(`\nContainer list, sequential calls (p50 / p95):\n`)
  console.log(
    table(
      ['path', 'calls', 'p50', 'p95'],
      rows.map((r) => [r.label, String(r.times.length), formatMs(median(r.times)), formatMs(percentile(r.times, 95))]),
    ),
  )
  console.log(`\nConnect (median of ${CONNECT_RUNS}):\n`)
  console.log(
    table(
      ['what', 'median', 'p95'],
      [
        ['Homeport: new session → first container list', formatMs(median(connectTimes)), formatMs(percentile(connectTimes, 95))],
        ['ssh host true', formatMs(median(sshTrueTimes)), formatMs(percentile(sshTrueTimes, 95))],
      ],
    ),
  )
  const ratios: Array<[string, number, string, (v: number) => boolean]> = [
    ['b/a  (tunnel vs socket)', p50(1) / p50(0), '≤ 2.5', (v) => v <= 2.5],
    ["c/b  (dockerode 'ssh' vs tunnel)", p50(2) / p50(1), '≥ 30', (v) => v >= 30],
    ['d/b  (docker -H ssh:// vs tunnel)', p50(3) / p50(1), '≥ 50', (v) => v >= 50],
    ['connect / ssh true', median(connectTimes) / median(sshTrueTimes), '≤ 1.3', (v) => v <= 1.3],
  ]
  console.log('\nRatios (p50):\n')
  console.log(table(['ratio', 'value', 'target', ''], ratios.map(([name, v, target, ok]) => [name, v.toFixed(2), target, ok(v) ? 'ok' : 'MISSED'])))
  console.log('')
}

runBench(main)
