// Install time of a three-service app whose images are already in the engine: Homeport's `apps.install` job
// (plan, files over SFTP, network, containers in dependency order, each through the tunnel) against
// `docker-compose -p NAME up -d` of the same file run on the server itself. Runs alternate between the two
// so drift in the machine's load hits both alike; every app is removed before the next run.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../homeserver/process.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import { BENCH_SERVER, CLIENT, type BenchCore } from './bench-core.js'
import { withDeadline } from './bench-stats.js'

const STEP_DEADLINE_MS = 120_000

/** Three services, `service_started` dependencies, no healthchecks: the time is the engine's, not a wait. */
export function threeServiceApp(registry: string): string {
  return `services:
  web:
    image: ${registry}/homeport/httpd:1
    depends_on:
      api:
        condition: service_started
    volumes:
      - data:/www/data
  api:
    image: ${registry}/homeport/busybox:1
    command: ["sleep", "3600"]
    depends_on:
      - cache
    environment:
      CACHE_HOST: cache
  cache:
    image: ${registry}/homeport/busybox:1
    command: ["sleep", "3600"]
volumes:
  data:
`
}

export interface InstallSamples {
  homeport: number[]
  compose: number[]
}

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6
}

export async function benchInstall(info: HomeServerInfo, bench: BenchCore, runs: number, log: (line: string) => void): Promise<InstallSamples> {
  const compose = threeServiceApp(info.registry)
  const dir = mkdtempSync(join(tmpdir(), 'homeport-bench-compose-'))
  const file = join(dir, 'compose.yml')
  writeFileSync(file, compose)
  const env = { ...process.env, DOCKER_HOST: info.dockerHost }
  const { core } = bench
  const prefix = `hpb${process.pid.toString(36)}`

  const homeportOnce = async (name: string): Promise<number> => {
    const start = process.hrtime.bigint()
    const { jobId } = await core.handlers['apps.install']({ serverId: BENCH_SERVER, source: { compose }, name, values: {} }, CLIENT)
    const job = await bench.finished(jobId, STEP_DEADLINE_MS)
    const ms = elapsedMs(start)
    if (job.state !== 'succeeded') throw new Error(`Homeport's install of ${name} ended ${job.state}: ${job.error?.message ?? ''}`)
    const states = (await run('docker', ['ps', '--filter', `label=com.docker.compose.project=${name}`, '--format', '{{.State}}'], { env })).stdout.trim().split('\n')
    if (states.length !== 3 || states.some((s) => s !== 'running')) throw new Error(`${name}: expected 3 running containers, saw ${states.join(',')}`)
    await withDeadline(core.handlers['apps.remove']({ serverId: BENCH_SERVER, app: name, volumes: true, confirm: name }, CLIENT), STEP_DEADLINE_MS, `removing ${name}`)
    return ms
  }

  const composeOnce = async (name: string): Promise<number> => {
    const start = process.hrtime.bigint()
    await withDeadline(run('docker-compose', ['-f', file, '-p', name, 'up', '-d'], { env, cwd: dir }), STEP_DEADLINE_MS, `docker-compose up ${name}`)
    const ms = elapsedMs(start)
    const states = (await run('docker', ['ps', '--filter', `label=com.docker.compose.project=${name}`, '--format', '{{.State}}'], { env })).stdout.trim().split('\n')
    if (states.length !== 3 || states.some((s) => s !== 'running')) throw new Error(`${name}: expected 3 running containers, saw ${states.join(',')}`)
    await withDeadline(run('docker-compose', ['-f', file, '-p', name, 'down', '-v', '-t', '0'], { env, cwd: dir }), STEP_DEADLINE_MS, `docker-compose down ${name}`)
    return ms
  }

  const samples: InstallSamples = { homeport: [], compose: [] }
  try {
    log('install: warm-up')
    await homeportOnce(`${prefix}-warm-h`)
    await composeOnce(`${prefix}-warm-c`)
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first, so neither always runs right after the other's teardown.
      const pair = [() => homeportOnce(`${prefix}-h${i}`).then((ms) => samples.homeport.push(ms)), () => composeOnce(`${prefix}-c${i}`).then((ms) => samples.compose.push(ms))]
      if (i % 2) pair.reverse()
      for (const step of pair) await step()
      log(`install: run ${i + 1}/${runs}: Homeport ${samples.homeport.at(-1)?.toFixed(0)} ms, docker-compose ${samples.compose.at(-1)?.toFixed(0)} ms`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return samples
}
