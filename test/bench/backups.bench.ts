// `npm run bench:backups`: Homeport's backups against restic run directly on the server (the test home server
// is this machine; Debian's restic binary, the one the test restic image is built from), on 1 GiB of mixed
// files made from a seed (backups-bench-data.ts) in an app's named volume. Each of HOMEPORT_BENCH_ROUNDS
// rounds (default 3) pairs, on fresh repositories side by side on the same disk:
//   a first backup: `backups.run` of the app (its default consistency: stopped and started again) against
//     `restic backup <the volume's folder>` (target ≤ 1.05×);
//   a second backup with nothing changed, against Homeport's first (target ≤ 10 %), in the default mode and
//     again with the app's pre/post hooks (the README's way to keep an app running; the bench app declares
//     a `sync` pair), each beside restic's own second backup against its first;
//   a restore: `backups.restore` into the app itself (its volume's contents replaced, as `restic restore`
//     puts the data back where it was; the volume is damaged first so the restore has something to mend)
//     against `restic restore latest --target DIR` (target ≤ 1.05×), and as a second line the restore as a
//     clone (new volumes, plus installing and starting a new app, which direct restic does not do), each
//     checked file by file (sha256) against the data as written.
// The side that goes first alternates between rounds. Page caches are warmed equally: before every backup
// both sides' data is read once, before every restore both repositories are, and dirty pages are written
// out (`sync`) before each. A table of where Homeport's
// time goes (each job's steps) and the fixed costs no run can avoid (restic opening a repository, which
// derives its key; one restic container) follows the ratios.

import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
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
import { stepClock } from './backups-bench-steps.js'

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

/**
 * Reads every file under the folders once, so both sides start from the same warm page cache, then writes out
 * every dirty page: neither restic nor Homeport syncs what it wrote, so without it the side that comes second
 * would pay for the first one's gigabyte still being written back to the disk.
 */
const warm = (...dirs: string[]) => run('sh', ['-c', 'find "$@" -type f -exec cat {} + > /dev/null; sync', 'sh', ...dirs])

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
  const clock = stepClock(() => ({ [app]: 'APP', ...Object.fromEntries(Array.from({ length: ROUNDS }, (_, i) => [`${app}-clone${i + 1}`, 'CLONE'])) }))
  hp.bench.onJob = (job) => clock.onJob(job)
  const repositories: string[] = []
  try {
    const resticImage = await resticTestImage(info)
    await hp.call('settings.set', { key: 'backups.resticImage', value: resticImage })
    const image = info.images[0]
    const compose = [
      'services:',
      '  app:',
      `    image: ${image}`,
      // An app that stops the moment it is asked to (a `sleep` in the foreground would hold SIGTERM up to a second).
      `    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1 & wait $$!; done"]`,
      '    volumes:',
      '      - data:/data',
      'volumes:',
      '  data: {}',
      // Used by the hooks policy only: what an app that keeps running while it is backed up declares.
      'x-homeport:',
      '  backup:',
      '    pre: { service: app, command: ["sync"] }',
      '    post: { service: app, command: ["sync"] }',
      '',
    ].join('\n')
    await hp.job(hp.call('apps.install', { serverId: BENCH_SERVER, source: { compose }, name: app }))
    const volumeDir = await dockerCli('volume', 'inspect', '--format', '{{.Mountpoint}}', `${app}_data`)
    console.log(`writing ${MIB} MiB of mixed files (seed "${SEED}") into ${app}_data…`)
    const { tree, textBytes } = writeData(volumeDir, SEED, MIB * 1024 * 1024)
    console.log(`${tree.size} files, ${(textBytes / 1024 / 1024).toFixed(0)} MiB of them text; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
    const s: Samples = {}
    const add = (key: string, ms: number) => (s[key] ??= []).push(ms)
    const timedJob = async (key: string, what: string, start: () => Promise<{ jobId: string }>) => {
      let result: unknown
      let jobId = ''
      add(key, await timed(async () => (result = await hp.job(start().then((started) => ((jobId = started.jobId), started))))))
      clock.keep(jobId, what)
      return result
    }

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
      const policy = (consistency: 'stop' | 'hooks') => hp.call('backups.policySet', { serverId: BENCH_SERVER, app, repository, consistency, retention: UMBREL_RETENTION })
      await policy('stop')
      const backUp = (key: string, what: string) => timedJob(key, what, () => hp.call('backups.run', { serverId: BENCH_SERVER, app })) as Promise<BackupJobResult>

      const anchorBackup = async () => {
        await warm(volumeDir)
        add('backup restic', await timed(() => restic('backup', volumeDir)))
        await run('sync')
        add('second restic', await timed(() => restic('backup', volumeDir)))
      }
      const homeportBackup = async () => {
        await warm(volumeDir)
        add('downtime homeport', (await backUp('backup homeport', 'first backup (app stopped)')).downtimeMs)
        await run('sync')
        await backUp('second homeport', 'second backup (app stopped)')
        await policy('hooks')
        await run('sync')
        await backUp('second hooks', 'second backup (hooks, app running)')
        await policy('stop')
      }
      const anchorTarget = join(base, `restored-${round}`)
      const anchorRestore = async () => {
        await warm(anchorRepo)
        add('restore restic', await timed(() => restic('restore', 'latest', '--target', anchorTarget)))
      }
      const clone = `${app}-clone${round}`
      const homeportRestore = async () => {
        // Something to put right: a folder of small files gone, a file that was never backed up.
        rmSync(join(volumeDir, 'small/d0'), { recursive: true, force: true })
        writeFileSync(join(volumeDir, 'not-in-the-snapshot.txt'), 'extra')
        await warm(hpRepo)
        await timedJob('restore homeport', 'restore into the app', () => hp.call('backups.restore', { serverId: BENCH_SERVER, app, snapshot: 'latest', confirm: app }))
        await warm(hpRepo)
        await timedJob('clone homeport', 'restore as a clone', () => hp.call('backups.restore', { serverId: BENCH_SERVER, app, snapshot: 'latest', as: clone }))
      }
      for (const step of anchorFirst ? [anchorBackup, homeportBackup, anchorRestore, homeportRestore] : [homeportBackup, anchorBackup, homeportRestore, anchorRestore]) await step()

      // What any restic call costs before it does anything: opening a repository (the key derivation), and
      // the same from a container of the image Homeport runs (create, start, wait, remove).
      add('open restic', await timed(() => restic('cat', 'config')))
      add('open container', await timed(() => dockerCli('run', '--rm', '--network', 'none', '-e', `RESTIC_PASSWORD=${password}`, '-v', `${anchorRepo}:/repository`, resticImage, '-r', '/repository', '--no-cache', 'cat', 'config')))
      add('container', await timed(() => dockerCli('run', '--rm', '--network', 'none', resticImage, 'version')))
      // The anchor's own restore again, only in a container of the image writing into a fresh volume (the same
      // repository and cache): what running restic in a container costs a restore, before Homeport does anything.
      const probeVolume = `${app}-probe${round}`
      await dockerCli('volume', 'create', probeVolume)
      await warm(anchorRepo)
      const inContainer = ['run', '--rm', '--network', 'none', '-e', `RESTIC_PASSWORD=${password}`, '-e', 'RESTIC_CACHE_DIR=/cache', '-v', `${anchorRepo}:/repository`, '-v', `${anchorRepo}-cache:/cache`, '-v', `${probeVolume}:/restore`]
      add('restore container', await timed(() => dockerCli(...inContainer, resticImage, '-r', '/repository', 'restore', 'latest', '--target', '/restore')))
      await dockerCli('volume', 'rm', probeVolume)

      const last = (key: string) => `${(s[key][s[key].length - 1] / 1000).toFixed(1)} s`
      console.log(
        `  backup restic ${last('backup restic')}, Homeport ${last('backup homeport')} (stopped ${last('downtime homeport')}); second ${last('second restic')} / ${last('second homeport')} (hooks ${last('second hooks')}); restore ${last('restore restic')} / ${last('restore homeport')} (clone ${last('clone homeport')})`,
      )
      check('restic restore', tree, join(anchorTarget, volumeDir))
      check('Homeport restore into the app', tree, volumeDir)
      check('Homeport restore as a clone', tree, await dockerCli('volume', 'inspect', '--format', '{{.Mountpoint}}', `${clone}_data`))
      await hp.call('apps.remove', { serverId: BENCH_SERVER, app: clone, volumes: true, confirm: clone })
      await hp.call('backups.policyRemove', { serverId: BENCH_SERVER, app })
      await hp.call('backups.repoRemove', { serverId: BENCH_SERVER, repository })
      repositories.pop()
      for (const dir of [anchorRepo, `${anchorRepo}-cache`, hpRepo, anchorTarget]) rmSync(dir, { recursive: true, force: true })
    }
    report(s, clock.report())
  } finally {
    await hp.call('backups.policyRemove', { serverId: BENCH_SERVER, app }).catch(() => {})
    for (const repository of repositories) await hp.call('backups.repoRemove', { serverId: BENCH_SERVER, repository }).catch(() => {})
    await hp.call('apps.remove', { serverId: BENCH_SERVER, app, volumes: true, confirm: app }).catch(() => {})
    await hp.bench.close()
    rmSync(base, { recursive: true, force: true })
  }
})

function report(s: Samples, steps: Array<[string, string, string]>): void {
  const m = (key: string) => median(s[key])
  const ratio = (a: string, b: string) => median(s[a].map((v, i) => v / s[b][i]))
  const sec = (key: string) => `${(m(key) / 1000).toFixed(1)} s`
  const ms = (key: string) => `${(m(key) / 1000).toFixed(2)} s`
  console.log(`\nMedians of ${ROUNDS} rounds, ${MIB} MiB (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}):\n`)
  console.log(
    table(
      ['what', 'restic directly', 'Homeport'],
      [
        ['first backup', sec('backup restic'), `${sec('backup homeport')} (app stopped ${sec('downtime homeport')})`],
        ['second backup, nothing changed', sec('second restic'), `${sec('second homeport')} (app stopped); ${sec('second hooks')} (hooks, app running)`],
        ['restore into the app', sec('restore restic'), sec('restore homeport')],
        ['restore as a clone (installs a new app)', '', sec('clone homeport')],
      ],
    ),
  )
  const target = (name: string, value: number, limit: number) => [name, value.toFixed(2), `≤ ${limit.toFixed(2)}`, value <= limit ? 'ok' : 'MISSED']
  console.log('\nRatios (median of the per-round ratios):\n')
  console.log(
    table(
      ['ratio', 'value', 'target', ''],
      [
        target('first backup: Homeport / restic', ratio('backup homeport', 'backup restic'), 1.05),
        target('second backup / Homeport first (app stopped, the default)', ratio('second homeport', 'backup homeport'), 0.1),
        target('second backup / Homeport first (hooks, app running)', ratio('second hooks', 'backup homeport'), 0.1),
        ['second backup: restic / its first', ratio('second restic', 'backup restic').toFixed(2), 'floor', ''],
        target('restore into the app: Homeport / restic', ratio('restore homeport', 'restore restic'), 1.05),
        ['restore as a clone: Homeport / restic', ratio('clone homeport', 'restore restic').toFixed(2), '(not like for like)', ''],
      ],
    ),
  )
  console.log('\nFixed costs (medians):\n')
  console.log(
    table(
      ['what', 'time'],
      [
        ['restic opens the repository (`cat config`: key derivation)', ms('open restic')],
        ['the same in a container of the image (create, start, wait, remove)', ms('open container')],
        ['a container of the image alone (`restic version`)', ms('container')],
        ['`restic restore` in a container of the image, into a fresh volume', `${ms('restore container')} (${ratio('restore container', 'restore restic').toFixed(2)}× directly)`],
      ],
    ),
  )
  console.log("\nHomeport's steps (medians):\n")
  console.log(table(['job', 'step', 'time'], steps))
  console.log('')
}
