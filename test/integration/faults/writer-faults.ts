// Faults between writers and over time: a host key that changes mid-install (the rollback cannot reach the
// server; the next laptop to connect finishes it, and this laptop drops its own copy), two laptops installing
// the same app at once, and a reinstall over kept data that fails and must give the kept files back.

import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { DATABASE_FILE } from '../../../electron/core/store/database.js'
import { swapHostKey } from '../../homeserver/helpers.js'
import { sleep } from '../../homeserver/process.js'
import { openFaultCore } from './fault-core.js'
import { FAULT_COMPOSE, resetApp, runWithFault, stepIs } from './fault-runs.js'
import { appFolder, appState, stateDifferences } from './fault-state.js'
import { installedProblems } from './judge.js'
import { SERVICES, type FaultContext } from './kill-faults.js'

const unfinishedRuns = (dataDir: string): number => {
  const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true })
  try {
    return db.prepare('SELECT COUNT(*) FROM app_runs').pluck().get() as number
  } finally {
    db.close()
  }
}

export async function hostKeySwapMidInstall(ctx: FaultContext): Promise<void> {
  const { hs, tally } = ctx
  const fault = 'host key swapped mid-install'
  const app = 'hp-fault-hostkey'
  // The shared laptop would see the new key too, and rightly stop trusting the server: it comes back after.
  await ctx.t.close()
  await resetApp(hs, app)
  const before = await appState(hs, app)
  const laptop = await openFaultCore(hs)
  const problems: string[] = []
  let note: string | undefined
  try {
    const run = await runWithFault(
      laptop,
      () => laptop.call('apps.install', { serverId: 'home', source: { compose: FAULT_COMPOSE }, name: app, values: { WEB_PORT: '18317' } }),
      stepIs(/^Waiting: (web|worker) needs db/),
      () => swapHostKey('alternate'),
    )
    const error = run.job?.error
    if (error) note = `${error.code}: ${error.message}`
    if (!run.job) problems.push('the job did not end')
    else if (run.job.state === 'succeeded') problems.push('the install succeeded although the host key changed')
    else {
      if (error?.code !== 'HOST_KEY_MISMATCH') problems.push(`the error is ${error?.code}, not HOST_KEY_MISMATCH: ${error?.message}`)
      if (!/could not reach .*Left on the server: .*finishes the rollback the next time it connects/s.test(error?.message ?? '')) problems.push(`the message does not say what is left and when it is finished: ${error?.message}`)
    }
    const mid = await appState(hs, app)
    if (!mid.journal) problems.push('no journal was left on the server for the next connect')
    if (unfinishedRuns(laptop.dataDir) !== 1) problems.push(`this laptop keeps ${unfinishedRuns(laptop.dataDir)} unfinished runs, not 1`)
  } finally {
    await swapHostKey('original')
    await laptop.close({ keepData: true })
  }
  // Another laptop connects: its first apps call finishes the rollback it finds in the app's folder.
  const other = await openFaultCore(hs)
  try {
    await other.call('apps.list', { serverId: 'home' })
  } finally {
    await other.close()
  }
  const differences = stateDifferences(before, await appState(hs, app))
  problems.push(...differences)
  // This laptop, started again, finds its copy finished by the other and drops it.
  const restarted = await openFaultCore(hs, { dataDir: laptop.dataDir })
  try {
    await restarted.call('apps.list', { serverId: 'home' })
    if (unfinishedRuns(laptop.dataDir) !== 0) problems.push('the restarted laptop still keeps its copy of the finished run')
  } finally {
    await restarted.close()
    fs.rmSync(laptop.dataDir, { recursive: true, force: true })
  }
  tally.record(fault, problems.length ? 'leftovers' : 'clean', problems.length ? problems.join('; ') : note)
  await resetApp(hs, app)
  ctx.t = await openFaultCore(hs)
}

export async function twoLaptopsAtOnce(ctx: FaultContext, rounds: number): Promise<void> {
  const { hs, tally } = ctx
  const fault = 'two laptops install one app at once'
  const app = 'hp-fault-twice'
  const [a, b] = [await openFaultCore(hs), await openFaultCore(hs)]
  try {
    for (let round = 0; round < rounds; round++) {
      await resetApp(hs, app)
      const input = { serverId: 'home', source: { compose: FAULT_COMPOSE }, name: app, values: { WEB_PORT: '18319' } }
      // The second starts at once, while the first is planning, and while it is creating containers.
      const delay = [0, 300, 1500][round % 3]
      const calls = await Promise.allSettled([a.call('apps.install', input), sleep(delay).then(() => b.call('apps.install', input))])
      const problems: string[] = []
      const jobs = await Promise.all(calls.map((c, i) => (c.status === 'fulfilled' ? [a, b][i].finishedJob(c.value.jobId, 90_000) : undefined)))
      const succeeded = jobs.filter((j) => j?.state === 'succeeded').length
      if (succeeded !== 1) problems.push(`${succeeded} installs succeeded: ${JSON.stringify(jobs.map((j) => j?.error))}`)
      for (const c of calls) {
        if (c.status === 'rejected' && !['APP_BUSY', 'ALREADY_EXISTS'].includes((c.reason as { code?: string }).code ?? '')) problems.push(`the second writer got ${String(c.reason)}`)
        if (c.status === 'rejected' && (c.reason as { code?: string }).code === 'APP_BUSY' && !/is being changed on this server by .+@.+ \(pid \d+\), install, since /.test(String((c.reason as Error).message))) {
          problems.push(`APP_BUSY does not name the holder: ${(c.reason as Error).message}`)
        }
      }
      problems.push(...installedProblems(app, await appState(hs, app), SERVICES))
      tally.record(fault, problems.length ? 'leftovers' : 'clean', problems.join('; ') || undefined)
    }
  } finally {
    await a.close()
    await b.close()
    await resetApp(hs, app)
  }
}

const KEPT_APP = 'hp-fault-kept'
const KEPT_COMPOSE = `
services:
  db:
    image: docker.io/homeport/busybox:1
    command: ["sh", "-c", "[ -f /data/pw ] || echo \\"$$DB_PASSWORD\\" > /data/pw; exec sleep 3600"]
    environment:
      DB_PASSWORD: \${DB_PASSWORD}
    volumes:
      - data:/data
    stop_grace_period: 1s
  web:
    image: docker.io/homeport/busybox:1
    command: ["httpd", "-f", "-p", "80", "-h", "/tmp"]
    ports:
      - "127.0.0.1:\${WEB_PORT}:80"
    depends_on: [db]
    stop_grace_period: 1s
volumes:
  data:
`

function keptCatalog(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-fault-catalog-'))
  fs.mkdirSync(path.join(dir, KEPT_APP))
  fs.writeFileSync(
    path.join(dir, KEPT_APP, 'app.yml'),
    `id: ${KEPT_APP}\nname: Kept data\ncategory: Test\nvariables:\n- name: WEB_PORT\n  label: Web port\n  default: '18318'\n  type: port\n- name: DB_PASSWORD\n  label: Database password\n  secret: true\n`,
  )
  fs.writeFileSync(path.join(dir, KEPT_APP, 'compose.yml'), KEPT_COMPOSE)
  return dir
}

const envPassword = (env: string) => /^DB_PASSWORD=(.*)$/m.exec(env)?.[1]

export async function keptDataSurvivesFailedReinstall(ctx: FaultContext): Promise<void> {
  const { hs, t, tally } = ctx
  const fault = 'reinstall over kept data, port taken'
  const catalog = keptCatalog()
  const install = async (values: Record<string, string>) => {
    const { jobId } = await t.call('apps.install', { serverId: 'home', source: { catalogId: KEPT_APP, catalog }, values })
    return t.finishedJob(jobId, 90_000)
  }
  const problems: string[] = []
  const blocker = net.createServer()
  try {
    await resetApp(hs, KEPT_APP)
    if ((await install({}))?.state !== 'succeeded') throw new Error('the first install failed')
    await t.call('apps.remove', { serverId: 'home', app: KEPT_APP, volumes: false })
    const envPath = path.join(appFolder(hs, KEPT_APP), '.env')
    const keptEnv = fs.readFileSync(envPath)
    const kept = await appState(hs, KEPT_APP)
    await new Promise<void>((resolve) => blocker.listen(18320, '127.0.0.1', resolve))
    const failed = await install({ WEB_PORT: '18320' })
    if (failed?.state !== 'failed') problems.push(`the reinstall on a taken port did not fail: ${failed?.state}`)
    if (!fs.existsSync(envPath) || !fs.readFileSync(envPath).equals(keptEnv)) problems.push('the kept .env is not given back byte for byte')
    problems.push(...stateDifferences(kept, await appState(hs, KEPT_APP)))
    await new Promise<void>((resolve) => blocker.close(() => resolve()))
    const again = await install({})
    if (again?.state !== 'succeeded') problems.push(`the next reinstall failed: ${again?.error?.message}`)
    const env = fs.readFileSync(envPath, 'utf8')
    if (envPassword(env) !== envPassword(keptEnv.toString('utf8'))) problems.push('DB_PASSWORD changed: the data kept under the old one would be locked out')
  } finally {
    if (blocker.listening) blocker.close()
    await resetApp(hs, KEPT_APP)
    fs.rmSync(catalog, { recursive: true, force: true })
  }
  tally.record(fault, problems.length ? 'leftovers' : 'clean', problems.join('; ') || undefined)
}
