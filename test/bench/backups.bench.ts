// `npm run bench:backups`: Homeport's backups against restic run directly on the server (the test home server
// is this machine; Debian's restic binary, the one the test restic image is built from), on 1 GiB of mixed
// files made from a seed (backups-bench-data.ts) in an app's named volume. Each of HOMEPORT_BENCH_ROUNDS
// rounds (default 3) pairs, on fresh repositories side by side on the same disk:
//   a first backup: `backups.run` of the app (its default consistency: stopped and started again) against
//     `restic backup <the volume's folder>` (target ≤ 1.05×);
//   a second backup with nothing changed, against Homeport's first (target ≤ 10 %);
//   a restore: `backups.restore --as` a clone (new volumes, as `restic restore latest --target DIR` writes
//     into a new folder) against that direct restore (target ≤ 1.05×), each checked file by file (sha256)
//     against the data as written.
// The side that goes first alternates between rounds. Page caches are warmed equally: before every backup
// both sides' data is read once, before every restore both repositories are.

import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { unwrap } from '../../shared/bridge.js'
import type { BackupJobResult, MethodInput, MethodName, MethodOutput } from '../../shared/contract/index.js'
import { UMBREL_RETENTION } from '../../shared/contract/backups.js'
import { createDispatch } from '../../electron/core/runtime/index.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import { resticTestImage } from '../integration/backups/restic-image.js'
import { BENCH_SERVER, CLIENT, openBenchCore, type BenchCore } from './bench-core.js'
import { runBench } from './bench-homeserver.js'
import { median, table } from './bench-stats.js'
import { readTree, treeDifference, writeData, type Tree } from './backups-bench-data.js'

const MIB = Number(process.env.HOMEPORT_BENCH_BACKUP_MIB ?? 1024)
const ROUNDS = Number(process.env.HOMEPORT_BENCH_ROUNDS ?? 3)
const SEED = process.env.HOMEPORT_BENCH_SEED ?? 'homeport-backups-bench-1'
const JOB_DEADLINE_MS = 15 * 60_000
const run = promisify(execFile)

type Samples = Record<string, number[]>

async function timed(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await call()
  return performance.now() - started
}

/** Reads every file under the folders once, so both sides start from the same warm page cache. */
const warm = (...dirs: string[]) => run('sh', ['-c', 'find "$@" -type f -exec cat {} + > /dev/null', 'sh', ...dirs])

interface Homeport {
  bench: BenchCore
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  job(started: Promise<{ jobId: string }>): Promise<unknown>
}

async function openHomeport(info: HomeServerInfo): Promise<Homeport> {
  const bench = await openBenchCore(info)
  const dispatch = createDispatch(bench.core.handlers)
  const call = async <M extends MethodName>(method: M, input: MethodInput<M>) => unwrap(await dispatch(method, input, CLIENT)) as MethodOutput<M>
  return {
    bench,
    call,
    async job(started) {
      const job = await bench.finished((await started).jobId, JOB_DEADLINE_MS)
      if (job.state !== 'succeeded') throw new Error(`job ${job.kind} ${job.state}: ${JSON.stringify(job.error)}`)
      return job.result
    },
  }
}

/** Direct restic on this machine, as root: the anchor. */
function anchorRestic(repo: string, password: string) {
  const env = { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: password, RESTIC_CACHE_DIR: `${repo}-cache` }
  return (...args: string[]) => run('restic', args, { env, maxBuffer: 64 * 1024 * 1024 })
}

function check(what: string, expected: Tree, dir: string): void {
  const diff = treeDifference(expected, readTree(dir))
  if (diff) throw new Error(`${what} restored the wrong data: ${diff}`)
}

runBench(async (info) => {
  const dockerCli = (...args: string[]) => run('docker', args, { env: { ...process.env, DOCKER_HOST: info.dockerHost } }).then((r) => r.stdout.trim())
  const base = `/var/tmp/homeport-bench-backups-${randomBytes(3).toString('hex')}`
  const app = `hpbench-backups-${randomBytes(2).toString('hex')}`
  mkdirSync(base, { recursive: true })
  const hp = await openHomeport(info)
  const repositories: string[] = []
  try {
    await hp.call('settings.set', { key: 'backups.resticImage', value: await resticTestImage(info) })
    const image = info.images[0]
    const compose = ['services:', '  app:', `    image: ${image}`, `    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]`, '    volumes:', '      - data:/data', 'volumes:', '  data: {}', ''].join('\n')
    await hp.job(hp.call('apps.install', { serverId: BENCH_SERVER, source: { compose }, name: app }))
    const volumeDir = await dockerCli('volume', 'inspect', '--format', '{{.Mountpoint}}', `${app}_data`)
    console.log(`writing ${MIB} MiB of mixed files (seed "${SEED}") into ${app}_data…`)
    const { tree, textBytes } = writeData(volumeDir, SEED, MIB * 1024 * 1024)
    console.log(`${tree.size} files, ${(textBytes / 1024 / 1024).toFixed(0)} MiB of them text; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
    const s: Samples = {}
    const add = (key: string, ms: number) => (s[key] ??= []).push(ms)

    for (let round = 1; round <= ROUNDS; round++) {
      const anchorFirst = round % 2 === 1
      console.log(`round ${round} of ${ROUNDS} (${anchorFirst ? 'restic' : 'Homeport'} first), load average ${loadavg()[0].toFixed(2)}…`)
      const password = randomBytes(18).toString('base64url')
      const anchorRepo = join(base, `anchor-${round}`)
      const restic = anchorRestic(anchorRepo, password)
      await restic('init')
      const repository = `${app}-${round}`
      const hpRepo = join(base, `homeport-${round}`)
      await hp.call('backups.repoAdd', { serverId: BENCH_SERVER, name: repository, target: { kind: 'local', path: hpRepo }, password })
      repositories.push(repository)
      await hp.call('backups.policySet', { serverId: BENCH_SERVER, app, repository, consistency: 'stop', retention: UMBREL_RETENTION })

      const anchorBackup = async () => {
        await warm(volumeDir)
        add('backup restic', await timed(() => restic('backup', volumeDir)))
        add('second restic', await timed(() => restic('backup', volumeDir)))
      }
      const homeportBackup = async () => {
        await warm(volumeDir)
        let result: BackupJobResult | undefined
        add('backup homeport', await timed(async () => (result = (await hp.job(hp.call('backups.run', { serverId: BENCH_SERVER, app }))) as BackupJobResult)))
        add('downtime homeport', result!.downtimeMs)
        add('second homeport', await timed(() => hp.job(hp.call('backups.run', { serverId: BENCH_SERVER, app }))))
      }
      const anchorTarget = join(base, `restored-${round}`)
      const anchorRestore = async () => {
        await warm(anchorRepo)
        add('restore restic', await timed(() => restic('restore', 'latest', '--target', anchorTarget)))
      }
      const clone = `${app}-clone${round}`
      const homeportRestore = async () => {
        await warm(hpRepo)
        add('restore homeport', await timed(() => hp.job(hp.call('backups.restore', { serverId: BENCH_SERVER, app, snapshot: 'latest', as: clone }))))
      }
      for (const step of anchorFirst ? [anchorBackup, homeportBackup, anchorRestore, homeportRestore] : [homeportBackup, anchorBackup, homeportRestore, anchorRestore]) await step()

      const last = (key: string) => `${(s[key][s[key].length - 1] / 1000).toFixed(1)} s`
      console.log(`  backup restic ${last('backup restic')}, Homeport ${last('backup homeport')} (stopped ${last('downtime homeport')}); second ${last('second restic')} / ${last('second homeport')}; restore ${last('restore restic')} / ${last('restore homeport')}`)
      check('restic restore', tree, join(anchorTarget, volumeDir))
      check('Homeport restore', tree, await dockerCli('volume', 'inspect', '--format', '{{.Mountpoint}}', `${clone}_data`))
      await hp.call('apps.remove', { serverId: BENCH_SERVER, app: clone, volumes: true, confirm: clone })
      await hp.call('backups.policyRemove', { serverId: BENCH_SERVER, app })
      await hp.call('backups.repoRemove', { serverId: BENCH_SERVER, repository })
      repositories.pop()
      for (const dir of [anchorRepo, `${anchorRepo}-cache`, hpRepo, anchorTarget]) rmSync(dir, { recursive: true, force: true })
    }
    report(s)
  } finally {
    await hp.call('backups.policyRemove', { serverId: BENCH_SERVER, app }).catch(() => {})
    for (const repository of repositories) await hp.call('backups.repoRemove', { serverId: BENCH_SERVER, repository }).catch(() => {})
    await hp.call('apps.remove', { serverId: BENCH_SERVER, app, volumes: true, confirm: app }).catch(() => {})
    await hp.bench.close()
    rmSync(base, { recursive: true, force: true })
  }
})

function report(s: Samples): void {
  const m = (key: string) => median(s[key])
  const ratio = (a: string, b: string) => median(s[a].map((v, i) => v / s[b][i]))
  const sec = (key: string) => `${(m(key) / 1000).toFixed(1)} s`
  console.log(`\nMedians of ${ROUNDS} rounds, ${MIB} MiB (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}):\n`)
  console.log(
    table(
      ['what', 'restic directly', 'Homeport'],
      [
        ['first backup', sec('backup restic'), `${sec('backup homeport')} (app stopped ${sec('downtime homeport')})`],
        ['second backup, nothing changed', sec('second restic'), sec('second homeport')],
        ['restore', sec('restore restic'), sec('restore homeport')],
      ],
    ),
  )
  const rows: Array<[string, number, string, boolean]> = [
    ['first backup: Homeport / restic', ratio('backup homeport', 'backup restic'), '≤ 1.05', ratio('backup homeport', 'backup restic') <= 1.05],
    ['second backup / Homeport first', ratio('second homeport', 'backup homeport'), '≤ 0.10', ratio('second homeport', 'backup homeport') <= 0.1],
    ['restore: Homeport / restic', ratio('restore homeport', 'restore restic'), '≤ 1.05', ratio('restore homeport', 'restore restic') <= 1.05],
    ['second backup: restic / its first', ratio('second restic', 'backup restic'), 'floor', true],
  ]
  console.log('\nRatios (median of the per-round ratios):\n')
  console.log(table(['ratio', 'value', 'target', ''], rows.map(([name, v, target, ok]) => [name, v.toFixed(2), target, target === 'floor' ? '' : ok ? 'ok' : 'MISSED'])))
  console.log('')
}
