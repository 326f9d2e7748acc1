// `npm run bench:build`: build + start of a small app from a folder on this computer, in one run against the
// test home server. Homeport: `apps.install` of a compose file with `build:` (the context as a tar through
// the one SSH connection to the engine's /build, then the containers). Anchor: what a person would type,
// `docker -H ssh://USER@HOST build` (the legacy builder: the server's engine has no BuildKit session over
// this path either) and `ssh HOST docker-compose up -d`. Every first build sees a context
// of its own, so neither side takes it from the cache; then a no-change rebuild (`apps.update`, every step
// from the server's cache, nothing recreated) against the first build. Prints medians and ratios; exits 0
// even when a target is missed.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../homeserver/process.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import { BENCH_SERVER, CLIENT, openBenchCore, type BenchCore } from './bench-core.js'
import { runBench } from './bench-homeserver.js'
import { formatMs, median, table, withDeadline } from './bench-stats.js'
import { prepareSshClient } from './ssh-client-setup.js'

const RUNS = Number(process.env.HOMEPORT_BENCH_BUILD_RUNS ?? 5)
const DEADLINE_MS = 180_000
const prefix = `hpbb${process.pid.toString(36)}`

const elapsedMs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6

/** A small web app: 200 source files and a 1 MiB asset, a COPY and a RUN that depend on them. */
function writeProject(dir: string, registry: string, salt: string): void {
  mkdirSync(join(dir, 'web', 'src'), { recursive: true })
  writeFileSync(
    join(dir, 'web', 'Dockerfile'),
    [
      `FROM ${registry}/homeport/busybox:1`,
      'WORKDIR /www',
      'COPY src/ /www/',
      'RUN i=0; while [ $i -lt 500 ]; do echo "line $i" >> /www/generated.txt; i=$((i+1)); done && sha256sum /www/*.txt > /www/sums',
      'CMD ["httpd", "-f", "-p", "80", "-h", "/www"]',
      '',
    ].join('\n'),
  )
  writeFileSync(join(dir, 'web', '.dockerignore'), 'node_modules\n*.log\n')
  for (let i = 0; i < 200; i++) writeFileSync(join(dir, 'web', 'src', `page-${i}.txt`), `page ${i} of build ${salt}\n`.repeat(20))
  writeFileSync(join(dir, 'web', 'src', 'asset.bin'), Buffer.alloc(1024 * 1024, salt))
}

const composeBuilding = 'services:\n  web:\n    build: ./web\n'
const composeOfImage = (image: string) => `services:\n  web:\n    image: ${image}\n`

async function running(info: HomeServerInfo, project: string): Promise<void> {
  const states = (await run('docker', ['ps', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.State}}'], { env: { ...process.env, DOCKER_HOST: info.dockerHost } })).stdout.trim()
  if (states !== 'running') throw new Error(`${project}: expected one running container, saw "${states}"`)
}

async function removeLeftovers(info: HomeServerInfo): Promise<void> {
  const env = { ...process.env, DOCKER_HOST: info.dockerHost }
  const mine = (out: string) => out.split('\n').filter((n) => n.includes(prefix))
  const containers = mine((await run('docker', ['ps', '-a', '--format', '{{.Names}}'], { env, allowFailure: true })).stdout)
  if (containers.length) await run('docker', ['rm', '-f', ...containers], { env, allowFailure: true })
  const networks = mine((await run('docker', ['network', 'ls', '--format', '{{.Name}}'], { env, allowFailure: true })).stdout)
  if (networks.length) await run('docker', ['network', 'rm', ...networks], { env, allowFailure: true })
  const images = mine((await run('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { env, allowFailure: true })).stdout)
  if (images.length) await run('docker', ['rmi', '-f', ...images], { env, allowFailure: true })
}

async function main(info: HomeServerInfo): Promise<void> {
  const bench: BenchCore = await openBenchCore(info)
  const ssh = await prepareSshClient(info)
  const root = mkdtempSync(join(tmpdir(), 'homeport-bench-build-'))
  const dockerHost = `ssh://${info.user}@${info.host}:${info.sshPort}`
  const sshEnv = ssh.env
  const samples = { homeport: [] as number[], anchor: [] as number[], homeportNoChange: [] as number[], anchorNoChange: [] as number[] }

  const homeportFirst = async (name: string, dir: string): Promise<void> => {
    const start = process.hrtime.bigint()
    const { jobId } = await bench.core.handlers['apps.install']({ serverId: BENCH_SERVER, source: { compose: composeBuilding, buildDir: dir }, name, values: {} }, CLIENT)
    const job = await bench.finished(jobId, DEADLINE_MS)
    samples.homeport.push(elapsedMs(start))
    if (job.state !== 'succeeded') throw new Error(`Homeport's install of ${name} ended ${job.state}: ${job.error?.message ?? ''} ${job.error?.details ?? ''}`)
    await running(info, name)

    const again = process.hrtime.bigint()
    const update = await bench.core.handlers['apps.update']({ serverId: BENCH_SERVER, app: name }, CLIENT)
    const updated = await bench.finished(update.jobId, DEADLINE_MS)
    samples.homeportNoChange.push(elapsedMs(again))
    if (updated.state !== 'succeeded' || (updated.result as { status?: string } | undefined)?.status !== 'up-to-date') throw new Error(`Homeport's no-change update of ${name}: ${updated.state} ${JSON.stringify(updated.result ?? updated.error)}`)
    await withDeadline(bench.core.handlers['apps.remove']({ serverId: BENCH_SERVER, app: name, volumes: true, confirm: name }, CLIENT), DEADLINE_MS, `removing ${name}`)
  }

  const anchorFirst = async (name: string, dir: string): Promise<void> => {
    const image = `${prefix}/${name}:latest`
    const viaSsh = { ...sshEnv, DOCKER_HOST: dockerHost, DOCKER_BUILDKIT: '0' }
    const build = () => run('docker', ['build', '-q', '-t', image, join(dir, 'web')], { env: viaSsh })
    // This machine's docker-compose 1.29 cannot speak ssh:// (no paramiko): it runs on the server, file on stdin.
    const up = () => run('ssh', [info.host, 'docker-compose', '-f', '-', '-p', name, 'up', '-d'], { env: sshEnv, input: composeOfImage(image) })
    const start = process.hrtime.bigint()
    await withDeadline(build(), DEADLINE_MS, `docker build ${name}`)
    await withDeadline(up(), DEADLINE_MS, `docker-compose up ${name}`)
    samples.anchor.push(elapsedMs(start))
    await running(info, name)

    const again = process.hrtime.bigint()
    await withDeadline(build(), DEADLINE_MS, `docker build ${name} again`)
    await withDeadline(up(), DEADLINE_MS, `docker-compose up ${name} again`)
    samples.anchorNoChange.push(elapsedMs(again))
    await run('docker-compose', ['-f', '-', '-p', name, 'down', '-t', '0'], { env: { ...process.env, DOCKER_HOST: info.dockerHost }, input: composeOfImage(image) })
  }

  try {
    for (let i = 0; i <= RUNS; i++) {
      const salt = `${prefix}-${i}-${Date.now()}`
      const hDir = join(root, `h${i}`)
      const aDir = join(root, `a${i}`)
      writeProject(hDir, info.registry, `${salt}-h`)
      writeProject(aDir, info.registry, `${salt}-a`)
      const pair = [() => homeportFirst(`${prefix}-h${i}`, hDir), () => anchorFirst(`${prefix}-a${i}`, aDir)]
      if (i % 2) pair.reverse()
      for (const step of pair) await step()
      // The first pair warms both paths up (connections, the CLI's start, the engine's caches) and is not counted.
      if (i === 0) for (const list of Object.values(samples)) list.length = 0
      else console.log(`run ${i}/${RUNS}: Homeport ${formatMs(samples.homeport.at(-1)!)} (no change ${formatMs(samples.homeportNoChange.at(-1)!)}), anchor ${formatMs(samples.anchor.at(-1)!)} (no change ${formatMs(samples.anchorNoChange.at(-1)!)})`)
    }

    console.log(`\nBuild and start of a small app from a folder on this computer (${RUNS} runs each, interleaved; median):\n`)
    console.log(
      table(
        ['path', 'first build + up', 'no-change rebuild + up'],
        [
          ['Homeport apps.install / apps.update (tar through the tunnel to /build)', samples.homeport, samples.homeportNoChange],
          ['anchor: docker -H ssh:// build + ssh HOST docker-compose up -d', samples.anchor, samples.anchorNoChange],
        ].map(([label, first, again]) => [label as string, formatMs(median(first as number[])), formatMs(median(again as number[]))]),
      ),
    )
    const first = median(samples.homeport) / median(samples.anchor)
    const noChange = median(samples.homeportNoChange) / median(samples.homeport)
    console.log('\nRatios:\n')
    console.log(
      table(
        ['ratio', 'value', 'target', ''],
        [
          ['first build + up: Homeport / anchor', first.toFixed(2), '≤ 1.0', first <= 1 ? 'OK' : 'MISSED'],
          ['no-change rebuild / first build (Homeport)', noChange.toFixed(2), '≤ 0.2', noChange <= 0.2 ? 'OK' : 'MISSED'],
          ['(no-change rebuild: Homeport / anchor; no target)', (median(samples.homeportNoChange) / median(samples.anchorNoChange)).toFixed(2), '', ''],
        ],
      ),
    )
    console.log('')
  } finally {
    rmSync(root, { recursive: true, force: true })
    await ssh.dispose()
    await bench.close()
    await removeLeftovers(info)
  }
}

runBench(main)
