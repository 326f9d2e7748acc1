// `npm run bench:cli`: the `homeport` command as a whole process (the bundle, as `npm run bench:cli` builds
// it), each against an anchor timed in the same run, call by call in turn:
//   server list, its own core (no network)        against  node -e 0               target ≤ 2
//   ps NAME --json, its own SSH connection         against  ssh HOST docker ps -a   target ≤ 1.0
//   ps NAME --json, through a running Homeport     against  ssh HOST docker ps -a   target ≤ 0.3
// The running Homeport is this process: a core with its control socket, connected to the server, as the
// desktop app or the web host would be. Prints a table and each ratio against its target; exits 0 even
// when a target is missed.

import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createControlServer, createCore } from '../../electron/core/runtime/index.js'
import { run } from '../homeserver/process.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import { runBench } from './bench-homeserver.js'
import { formatMs, median, percentile, sampleInterleaved, table, type TimedRow } from './bench-stats.js'
import { prepareSshClient } from './ssh-client-setup.js'

const RUNS = Number(process.env.HOMEPORT_BENCH_CLI_RUNS ?? 20)
const WARMUP = 2
const SERVER = 'bench'
const launcher = resolve(fileURLToPath(import.meta.url), '../../../bin/homeport.js')

async function main(info: HomeServerInfo): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'homeport-bench-cli-'))
  const dataDir = join(home, 'data')
  // HOMEPORT_CLI_SOURCE=0: the bundle just built, even if a source is edited while the benchmark runs.
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, HOMEPORT_HOME: dataDir, HOMEPORT_CLI_SOURCE: '0' }
  delete env.SSH_AUTH_SOCK
  const homeport = (args: string[], extra: NodeJS.ProcessEnv = {}) => () => run(process.execPath, [launcher, ...args], { env: { ...env, ...extra } })
  const own = { HOMEPORT_NO_CONTROL: '1' }

  await homeport(['server', 'add', SERVER, '--host', info.host, '--port', String(info.sshPort), '--user', info.user, '--identity', info.keys.ed25519, '--host-key', info.hostKeyFingerprint])()
  const control = createControlServer({ dataDir })
  const core = await control.serve(await createCore({ dataDir, events: control.events, sshConfigPath: join(home, 'ssh_config'), knownHostsPath: join(home, 'known_hosts') }))
  const ssh = await prepareSshClient(info)
  try {
    await core.handlers['servers.connect']({ id: SERVER }, { clientId: 'bench' })
    if (!existsSync(join(launcher, '../../dist/cli/cli.cjs'))) throw new Error('the CLI is not built: run `npm run bench:cli` (it builds it first)')

    const [nodeTimes, listTimes, listThroughTimes] = await sampleInterleaved(RUNS, [() => run(process.execPath, ['-e', '0']), homeport(['server', 'list'], own), homeport(['server', 'list'])], WARMUP)
    const [sshTimes, psOwnTimes, psThroughTimes] = await sampleInterleaved(RUNS, [() => ssh.sshDockerPs(), homeport(['ps', SERVER, '--json'], own), homeport(['ps', SERVER, '--json'])], WARMUP)
    const rows: TimedRow[] = [
      { label: 'anchor: node -e 0', times: nodeTimes },
      { label: 'homeport server list (own core)', times: listTimes },
      { label: 'homeport server list (through a running Homeport)', times: listThroughTimes },
      { label: 'anchor: ssh HOST docker ps -a', times: sshTimes },
      { label: 'homeport ps NAME --json (own SSH connection)', times: psOwnTimes },
      { label: 'homeport ps NAME --json (through a running Homeport)', times: psThroughTimes },
    ]
    console.log(`\nWhole commands, ${RUNS} runs each after ${WARMUP} warm-up, interleaved (wall time):\n`)
    console.log(table(['command', 'p50', 'min', 'p95'], rows.map((r) => [r.label, formatMs(median(r.times)), formatMs(Math.min(...r.times)), formatMs(percentile(r.times, 95))])))
    const ratio = (a: number[], b: number[]) => median(a) / median(b)
    const ratios: Array<[string, number, number]> = [
      ['server list (own core) / node -e 0', ratio(listTimes, nodeTimes), 2],
      ['ps --json (own connection) / ssh docker ps -a', ratio(psOwnTimes, sshTimes), 1],
      ['ps --json (running Homeport) / ssh docker ps -a', ratio(psThroughTimes, sshTimes), 0.3],
      ['(server list, running Homeport / node -e 0)', ratio(listThroughTimes, nodeTimes), Number.NaN],
    ]
    console.log('\nRatios (p50):\n')
    console.log(table(['ratio', 'value', 'target', ''], ratios.map(([name, v, target]) => [name, v.toFixed(2), Number.isNaN(target) ? '-' : `≤ ${target}`, Number.isNaN(target) ? '' : v <= target ? 'ok' : 'MISSED'])))
    console.log('')
  } finally {
    await ssh.dispose()
    await control.close()
    await core.close()
    rmSync(home, { recursive: true, force: true })
  }
}

runBench(main)
