// The fault suite: real faults against the test home server while apps are installed and updated, each
// run judged on the server afterwards — either the finished app or exactly what was there before, checked
// down to container ids and file bytes. It prints a table (fault, runs, clean, leftovers, hangs) at the end.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, swapHostKey, useHomeServer } from '../../homeserver/helpers.js'
import { openFaultCore, type FaultCore } from './fault-core.js'
import { pushBlobImage } from './fault-runs.js'
import { FaultTally } from './fault-state.js'
import { frozenConnection, killDuringDependencyWait, killDuringPlanning, killDuringPull, killDuringVerification, killWhileSlowStop, sshdDown, type FaultContext } from './kill-faults.js'
import { hostKeySwapMidInstall, keptDataSurvivesFailedReinstall, twoLaptopsAtOnce } from './writer-faults.js'

const hs = useHomeServer()
const tally = new FaultTally()
const clean = (fault: string, runs: number) => expect({ fault, ...tally.of(fault), notes: tally.notes(fault).filter((n) => !/^[A-Z_]+: /.test(n)) }).toEqual({ fault, runs, clean: runs, leftovers: 0, hangs: 0, notes: [] })

describe('faults while apps are installed and updated', () => {
  let t: FaultCore
  let ctx: FaultContext
  let blob: string
  const started = Date.now()

  beforeAll(async () => {
    t = await openFaultCore(hs)
    ctx = { hs, t, tally }
    blob = await pushBlobImage(hs, `f${Date.now()}`)
  })

  afterAll(async () => {
    await swapHostKey('original').catch(() => undefined)
    await ctx?.t.close()
    if (blob) await docker(['rmi', '-f', blob]).catch(() => '')
    console.log(`\n${tally.table()}\nfault suite: ${Math.round((Date.now() - started) / 1000)} s\n\n${tally.details()}\n`)
  })

  it('a cut while planning changes nothing', { timeout: 120_000 }, async () => {
    await killDuringPlanning(ctx, 3)
    clean('cut while planning', 3)
  })

  it('a cut while pulling rolls back or finishes', { timeout: 180_000 }, async () => {
    await killDuringPull(ctx, 2, blob)
    clean('cut while pulling', 2)
  })

  it('a cut while waiting for a dependency rolls back or finishes', { timeout: 180_000 }, async () => {
    await killDuringDependencyWait(ctx, 2)
    clean('cut while waiting for a dependency', 2)
  })

  it('a cut while verifying an update rolls back to the running version or finishes', { timeout: 240_000 }, async () => {
    await killDuringVerification(ctx, 2)
    clean('cut while verifying health after an update', 2)
  })

  it('a cut 2 s into a slow stop never leaves the service stopped, and says "rolled back" only when it is', { timeout: 240_000 }, async () => {
    const verdicts = await killWhileSlowStop(ctx, 2)
    clean('cut 2 s into a slow stop (update)', 2)
    for (const v of verdicts) expect(v.note ?? '').toMatch(/^(CONNECTION_LOST: .*rolled back after reconnecting, and checked|$)/)
  })

  it('sshd down for 12 s: the rollback waits for it, then rolls back (or the install finishes)', { timeout: 180_000 }, async () => {
    await sshdDown(ctx, 1, 12_000)
    clean('sshd down 12 s during an install', 1)
  })

  it('a connection silent past the keepalive: a new one takes the app back from the one the server still holds', { timeout: 180_000 }, async () => {
    await frozenConnection(ctx, 1, 6_000)
    clean('connection silent 6 s (past the keepalive)', 1)
  })

  it('a host key swapped mid-install: the error is HOST_KEY_MISMATCH, and the next laptop to connect finishes the rollback', { timeout: 180_000 }, async () => {
    await hostKeySwapMidInstall(ctx)
    clean('host key swapped mid-install', 1)
  })

  it('two laptops installing one app at once: one installs, the other gets APP_BUSY, nothing of one is undone by the other', { timeout: 240_000 }, async () => {
    await twoLaptopsAtOnce(ctx, 3)
    clean('two laptops install one app at once', 3)
  })

  it('a failed reinstall over kept data gives the kept .env back byte for byte, and the passwords stay', { timeout: 180_000 }, async () => {
    await keptDataSurvivesFailedReinstall(ctx)
    clean('reinstall over kept data, port taken', 1)
  })
})
