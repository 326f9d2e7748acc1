// `npm run bench:files`: Homeport's file transfers and listing against OpenSSH's sftp and scp on the same
// data, tmpfs at both ends (/dev/shm; the test home server is this machine), aes128-gcm everywhere, each
// measurement taken in turn with its anchor for HOMEPORT_BENCH_ROUNDS rounds (default 3), medians compared:
//   a big file down and up (HOMEPORT_BENCH_FILES_MIB, default 1024) against sftp get/put (target ≥ 1.2×),
//     with OpenSSH's `ssh` moving the same bytes down one channel beside them as limits: `ssh host cat FILE`
//     into /dev/null (the channel alone) and into a file (channel and disk write, what a download does), and
//     `ssh host 'cat > FILE' < LOCAL` up;
//   2,000 files of 4 KiB down and up against `scp -r` (target ≥ 1.5×);
//   listing 10,000 entries against `sftp ls -l` (target ≤ 1.2× its time).
// The anchors' connection set-up (an sftp or ssh run that does nothing) is taken off their times; Homeport
// runs on its already open connection, as the app does.

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MethodInput } from '../../shared/contract/index.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import { BENCH_SERVER, CLIENT, openBenchCore, type BenchCore } from './bench-core.js'
import { runBench } from './bench-homeserver.js'
import { median, table } from './bench-stats.js'
import { openSsh } from './files-bench-openssh.js'

const MIB = Number(process.env.HOMEPORT_BENCH_FILES_MIB ?? 1024)
const ROUNDS = Number(process.env.HOMEPORT_BENCH_ROUNDS ?? 3)
const SMALL = 2000
const MANY = 10_000

type Samples = Record<string, number[]>

function makeData(info: HomeServerInfo, base: string): { remote: string; local: string } {
  const remote = join(base, 'remote')
  const local = join(base, 'local')
  mkdirSync(join(remote, 'small'), { recursive: true })
  mkdirSync(join(remote, 'many'))
  mkdirSync(join(local, 'small'), { recursive: true })
  execFileSync('sh', ['-c', 'head -c "$1" /dev/urandom > "$2" && cp "$2" "$3"', 'sh', String(MIB * 1024 * 1024), join(remote, 'big.bin'), join(local, 'big.bin')])
  for (let i = 0; i < SMALL; i++) {
    const data = randomBytes(4096)
    writeFileSync(join(remote, 'small', `f${i}.dat`), data)
    writeFileSync(join(local, 'small', `f${i}.dat`), data)
  }
  for (let i = 0; i < MANY; i++) writeFileSync(join(remote, 'many', `entry-${i}.txt`), '')
  execFileSync('chown', ['-R', `${info.user}:${info.user}`, remote])
  return { remote, local }
}

async function homeport(bench: BenchCore, kind: 'upload' | 'download', input: Omit<MethodInput<'files.upload'>, 'serverId'>): Promise<number> {
  const started = performance.now()
  const { jobId } = await bench.core.handlers[kind === 'upload' ? 'files.upload' : 'files.download']({ serverId: BENCH_SERVER, onClash: 'overwrite', verify: 'size', parallel: 32, ...input }, CLIENT)
  const job = await bench.finished(jobId, 600_000)
  if (job.state !== 'succeeded') throw new Error(`${kind} ${job.state}: ${JSON.stringify(job.error)}`)
  return performance.now() - started
}

/** Runs `steps` one after another, starting at the round's own one and wrapping round. */
async function inTurn(round: number, steps: (() => Promise<unknown>)[]): Promise<void> {
  for (let i = 0; i < steps.length; i++) await steps[(round - 1 + i) % steps.length]()
}

const fresh = (...dirs: string[]) => dirs.forEach((d) => (rmSync(d, { recursive: true, force: true }), mkdirSync(d, { recursive: true })))

runBench(async (info) => {
  const base = `/dev/shm/homeport-bench-files-${randomBytes(3).toString('hex')}`
  mkdirSync(base, { mode: 0o755 })
  const bench = await openBenchCore(info)
  try {
    console.log(`making the data in ${base}: ${MIB} MiB, ${SMALL} × 4 KiB, ${MANY} entries…`)
    const { remote, local } = makeData(info, base)
    const ssh = await openSsh(info, base)
    const chownRemote = (dir: string) => execFileSync('chown', [`${info.user}:${info.user}`, dir])
    const s: Samples = {}
    const add = (key: string, ms: number) => (s[key] ??= []).push(ms)
    await bench.core.handlers['files.list']({ serverId: BENCH_SERVER, path: remote }, CLIENT)

    for (let round = 1; round <= ROUNDS; round++) {
      console.log(`round ${round} of ${ROUNDS}…`)
      add('setup sftp', await ssh.sftp(''))
      add('setup ssh', await ssh.sshTrue())
      fresh(join(local, 'down'), join(remote, 'up'))
      chownRemote(join(remote, 'up'))
      // Each big file is removed once measured, so the next run writes into the memory it freed: on this
      // virtual machine a page of tmpfs the guest has not used lately costs far more to fill (measured: the
      // same upload at 250 and 710 MiB/s in one run, depending on where in the round it fell).
      const big = async (key: string, output: string, transfer: () => Promise<number>): Promise<void> => {
        add(key, await transfer())
        rmSync(output, { force: true })
      }
      const down = (name: string) => join(local, 'down', name)
      const up = (name: string) => join(remote, 'up', name)
      // Each round starts the big transfers at a different one of them: where a transfer falls in the round
      // changes what memory it writes into (above), and a fixed order gave one of them that place every time.
      await inTurn(round, [
        () => big('big down sftp', down('sftp.bin'), () => ssh.sftp(`get ${remote}/big.bin ${down('sftp.bin')}\n`)),
        () => big('big down homeport', down('big.bin'), () => homeport(bench, 'download', { sources: [join(remote, 'big.bin')], destination: join(local, 'down') })),
        async () => add('big down cat', await ssh.catToNull(join(remote, 'big.bin'))),
        () => big('big down cat file', down('cat.bin'), () => ssh.catToFile(join(remote, 'big.bin'), down('cat.bin'))),
      ])
      await inTurn(round, [
        () => big('big up sftp', up('sftp.bin'), () => ssh.sftp(`put ${local}/big.bin ${up('sftp.bin')}\n`)),
        () => big('big up homeport', up('big.bin'), () => homeport(bench, 'upload', { sources: [join(local, 'big.bin')], destination: join(remote, 'up') })),
        () => big('big up cat', up('cat.bin'), () => ssh.catUp(join(local, 'big.bin'), up('cat.bin'))),
      ])
      fresh(join(local, 'down'), join(remote, 'up'), join(local, 'hp'), join(remote, 'hp'))
      chownRemote(join(remote, 'up'))
      chownRemote(join(remote, 'hp'))
      add('small down scp', await ssh.scpRecursive(`:${remote}/small`, join(local, 'down')))
      add('small down homeport', await homeport(bench, 'download', { sources: [join(remote, 'small')], destination: join(local, 'hp') }))
      add('small up scp', await ssh.scpRecursive(join(local, 'small'), `:${remote}/up`))
      add('small up homeport', await homeport(bench, 'upload', { sources: [join(local, 'small')], destination: join(remote, 'hp') }))
      add('list sftp', await ssh.sftp(`ls -l ${remote}/many\n`))
      const listed = performance.now()
      const list = await bench.core.handlers['files.list']({ serverId: BENCH_SERVER, path: join(remote, 'many') }, CLIENT)
      add('list homeport', performance.now() - listed)
      if (list.entries.length !== MANY) throw new Error(`listed ${list.entries.length} entries instead of ${MANY}`)
    }
    report(s)
  } finally {
    await bench.close()
    rmSync(base, { recursive: true, force: true })
  }
})

function report(s: Samples): void {
  const m = (key: string) => median(s[key])
  const setupSftp = m('setup sftp')
  const anchor = (key: string, setup = setupSftp) => Math.max(1, m(key) - setup)
  const sshAnchor = (key: string) => anchor(key, m('setup ssh'))
  const rate = (ms: number) => (MIB / (ms / 1000)).toFixed(0)
  const rows = [
    [`${MIB} MiB down`, `sftp get ${rate(anchor('big down sftp'))} MiB/s`, `Homeport ${rate(m('big down homeport'))} MiB/s`, `ssh cat: ${rate(sshAnchor('big down cat'))} MiB/s to /dev/null, ${rate(sshAnchor('big down cat file'))} MiB/s to a file`],
    [`${MIB} MiB up`, `sftp put ${rate(anchor('big up sftp'))} MiB/s`, `Homeport ${rate(m('big up homeport'))} MiB/s`, `ssh 'cat > FILE': ${rate(sshAnchor('big up cat'))} MiB/s`],
    [`${SMALL} × 4 KiB down`, `scp -r ${anchor('small down scp').toFixed(0)} ms`, `Homeport ${m('small down homeport').toFixed(0)} ms`, ''],
    [`${SMALL} × 4 KiB up`, `scp -r ${anchor('small up scp').toFixed(0)} ms`, `Homeport ${m('small up homeport').toFixed(0)} ms`, ''],
    [`list ${MANY} entries`, `sftp ls -l ${anchor('list sftp').toFixed(0)} ms`, `Homeport ${m('list homeport').toFixed(0)} ms`, ''],
  ]
  console.log(`\nMedians of ${ROUNDS} rounds (anchors without their connection set-up: sftp ${setupSftp.toFixed(0)} ms, ssh ${m('setup ssh').toFixed(0)} ms):\n`)
  console.log(table(['what', 'anchor', 'Homeport', 'limit'], rows))
  // Each round's times too: a spread wide enough to swap the order of two medians says the run was noisy.
  console.log('\nEach round, ms (set-up included):\n')
  console.log(table(['measured', 'rounds'], Object.entries(s).map(([key, ms]) => [key, ms.map((v) => v.toFixed(0)).join('  ')])))
  const ratios: Array<[string, number, string, boolean]> = [
    ['down: Homeport / sftp get (throughput)', anchor('big down sftp') / m('big down homeport'), '≥ 1.2', anchor('big down sftp') / m('big down homeport') >= 1.2],
    ['down: Homeport / ssh cat > /dev/null (throughput)', sshAnchor('big down cat') / m('big down homeport'), 'limit', true],
    ['down: Homeport / ssh cat > FILE (throughput)', sshAnchor('big down cat file') / m('big down homeport'), 'limit', true],
    ['down: ssh cat > FILE / sftp get (throughput)', anchor('big down sftp') / sshAnchor('big down cat file'), 'limit', true],
    ['up: Homeport / sftp put (throughput)', anchor('big up sftp') / m('big up homeport'), '≥ 1.2', anchor('big up sftp') / m('big up homeport') >= 1.2],
    ["up: Homeport / ssh 'cat > FILE' (throughput)", sshAnchor('big up cat') / m('big up homeport'), 'limit', true],
    ['small down: scp -r time / Homeport time', anchor('small down scp') / m('small down homeport'), '≥ 1.5', anchor('small down scp') / m('small down homeport') >= 1.5],
    ['small up: scp -r time / Homeport time', anchor('small up scp') / m('small up homeport'), '≥ 1.5', anchor('small up scp') / m('small up homeport') >= 1.5],
    ['list: Homeport time / sftp ls -l time', m('list homeport') / anchor('list sftp'), '≤ 1.2', m('list homeport') / anchor('list sftp') <= 1.2],
  ]
  console.log('\nRatios:\n')
  console.log(table(['ratio', 'value', 'target', ''], ratios.map(([name, v, target, ok]) => [name, v.toFixed(2), target, target === 'limit' ? '' : ok ? 'ok' : 'MISSED'])))
  console.log('')
}
