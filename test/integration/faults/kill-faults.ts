// Faults injected while one Homeport installs or updates an app: the connection cut during planning, a pull,
// a dependency wait, a health verification, or while a slow service stops; sshd down for a while; the
// connection frozen past the keepalive. Each run is judged on the server afterwards (judge.ts).

import { docker } from '../../homeserver/helpers.js'
import { sleep } from '../../homeserver/process.js'
import type { HomeServerInfo } from '../../homeserver/types.js'
import type { FaultCore } from './fault-core.js'
import { FAULT_COMPOSE, cutConnections, freeze, outage, resetApp, runWithFault, stepIs, type FaultRun } from './fault-runs.js'
import { appState, type AppState, type FaultTally } from './fault-state.js'
import { judge, type Verdict } from './judge.js'

export const SERVICES = ['db', 'web', 'worker']

export interface FaultContext {
  hs: HomeServerInfo
  t: FaultCore
  tally: FaultTally
}

const installInput = (app: string, values: Record<string, string>) => ({ serverId: 'home', source: { compose: FAULT_COMPOSE }, name: app, values })

async function installed(ctx: FaultContext, app: string, values: Record<string, string>): Promise<void> {
  const { jobId } = await ctx.t.call('apps.install', installInput(app, values))
  const job = await ctx.t.finishedJob(jobId, 90_000)
  if (job?.state !== 'succeeded') throw new Error(`the install before the fault failed: ${JSON.stringify(job?.error)}`)
}

async function record(ctx: FaultContext, fault: string, app: string, before: AppState, run: FaultRun, settleMs = 0): Promise<Verdict> {
  // A step the engine still carries out after the job ended (a late stop) would show up here.
  if (settleMs) await sleep(settleMs)
  const verdict = judge(app, before, await appState(ctx.hs, app), run.job, SERVICES)
  const where = run.stuck ? ` at "${run.stuck.step}" after ${run.stuck.log.slice(-4).join(' | ')}` : ''
  ctx.tally.record(fault, verdict.outcome, verdict.note && `${verdict.note}${where}`)
  return verdict
}

/** A fresh install with the fault injected when `when` first matches. */
export async function installFault(ctx: FaultContext, fault: string, app: string, port: number, when: Parameters<typeof runWithFault>[2], inject: () => Promise<void>, values: Record<string, string> = {}): Promise<void> {
  await resetApp(ctx.hs, app)
  const before = await appState(ctx.hs, app)
  const run = await runWithFault(ctx.t, () => ctx.t.call('apps.install', installInput(app, { WEB_PORT: String(port), ...values })), when, inject)
  await record(ctx, fault, app, before, run)
  await resetApp(ctx.hs, app)
}

/** An install first, then an update of `values` with the fault injected when `when` first matches. */
export async function updateFault(
  ctx: FaultContext,
  fault: string,
  app: string,
  opts: { install: Record<string, string>; update: Record<string, string>; when: Parameters<typeof runWithFault>[2]; inject: () => Promise<void>; settleMs?: number; verifyTimeoutMs?: number },
): Promise<Verdict> {
  await resetApp(ctx.hs, app)
  await installed(ctx, app, opts.install)
  const before = await appState(ctx.hs, app)
  const run = await runWithFault(ctx.t, () => ctx.t.call('apps.update', { serverId: 'home', app, values: opts.update, verifyTimeoutMs: opts.verifyTimeoutMs ?? 20_000 }), opts.when, opts.inject)
  const verdict = await record(ctx, fault, app, before, run, opts.settleMs)
  await resetApp(ctx.hs, app)
  return verdict
}

export async function killDuringPlanning(ctx: FaultContext, runs: number): Promise<void> {
  for (let i = 0; i < runs; i++) await installFault(ctx, 'cut while planning', 'hp-fault-plan', 18310, stepIs(/^Planning$/), cutConnections)
}

export async function killDuringPull(ctx: FaultContext, runs: number, blob: string): Promise<void> {
  for (let i = 0; i < runs; i++) {
    await docker(['rmi', '-f', blob]).catch(() => '')
    const image = `docker.io/${blob.slice(blob.indexOf('/') + 1)}`
    await installFault(ctx, 'cut while pulling', 'hp-fault-pull', 18311, (job) => job.items.length > 0 || /^Create/.test(job.step ?? ''), cutConnections, { WEB_IMAGE: image })
  }
}

export async function killDuringDependencyWait(ctx: FaultContext, runs: number): Promise<void> {
  for (let i = 0; i < runs; i++) await installFault(ctx, 'cut while waiting for a dependency', 'hp-fault-wait', 18312, stepIs(/^Waiting: (web|worker) needs db/), cutConnections)
}

export async function killDuringVerification(ctx: FaultContext, runs: number): Promise<void> {
  for (let i = 0; i < runs; i++) {
    await updateFault(ctx, 'cut while verifying health after an update', 'hp-fault-verify', {
      install: { WEB_PORT: '18313' },
      update: { GREETING: `v${i}` },
      when: stepIs(/^Waiting: web needs healthy after start/),
      inject: cutConnections,
    })
  }
}

/** An update whose db takes its whole grace period to stop, with the connection cut 2 s into the stop. */
export async function killWhileSlowStop(ctx: FaultContext, runs: number): Promise<Verdict[]> {
  const verdicts: Verdict[] = []
  for (let i = 0; i < runs; i++) {
    verdicts.push(
      await updateFault(ctx, 'cut 2 s into a slow stop (update)', 'hp-fault-slowstop', {
        install: { WEB_PORT: '18314', DB_GRACE: '6s' },
        update: { MODE: `two${i}` },
        when: stepIs(/^Recreate hp-fault-slowstop-db-1$/),
        inject: async () => {
          await sleep(2000)
          await cutConnections()
        },
        // Past the moment the engine finishes the stop it was sent: db must still be running then.
        settleMs: 8000,
      }),
    )
  }
  return verdicts
}

export async function sshdDown(ctx: FaultContext, runs: number, ms: number): Promise<void> {
  for (let i = 0; i < runs; i++) await installFault(ctx, `sshd down ${Math.round(ms / 1000)} s during an install`, 'hp-fault-outage', 18315, stepIs(/^Waiting: (web|worker) needs db/), outage(ctx.hs, ms))
}

export async function frozenConnection(ctx: FaultContext, runs: number, ms: number): Promise<void> {
  for (let i = 0; i < runs; i++) await installFault(ctx, `connection silent ${Math.round(ms / 1000)} s (past the keepalive)`, 'hp-fault-freeze', 18316, stepIs(/^Waiting: (web|worker) needs db/), freeze(ctx.hs, ms))
}
