// A download job: files and folders on the server into a folder on this computer, the mirror of
// upload-job.ts: planned (clashes decided), folders made, files fetched `parallel` at a time, symlinks made as
// links (their targets as stored, never followed), then each made folder's own mode and times, deepest first.

import { randomBytes } from 'node:crypto'
import { chmod, mkdir, rename, symlink, unlink, utimes } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { TransferJobResult } from '../../../../shared/contract/index.js'
import type { JobContext } from '../../jobs/job-runner.js'
import { formatBytes } from '../file-errors.js'
import type { HostTarget } from '../host-target.js'
import { RemoteFs } from '../remote-fs.js'
import { getBatch } from './batch-down.js'
import { carryOn } from './carry-on.js'
import { ClashResolver, type AskClash } from './clash-resolver.js'
import { getFile } from './get-file.js'
import { localError } from './local-errors.js'
import { localTemp } from './local-temp.js'
import { localDestination } from './local-tree.js'
import { ProgressMeter } from './progress-meter.js'
import { remoteSource } from './remote-tree.js'
import { RequestWindow } from './request-window.js'
import { runPool } from './run-pool.js'
import { BATCHES_AT_ONCE, splitBatches } from './small-batches.js'
import { JOB_WINDOW, type TransferEnv } from './transfer-env.js'
import { planTransfer, type PlanItem } from './transfer-plan.js'
import { resultOf, type TransferInput } from './upload-job.js'

async function makeLink(env: TransferEnv, item: PlanItem): Promise<void> {
  const temp = localTemp(item.to, env.token)
  try {
    await unlink(temp).catch(() => {})
    await symlink(item.target!, temp)
    await rename(temp, item.to)
  } catch (err) {
    await unlink(temp).catch(() => {})
    throw localError(err, item.to, 'write')
  }
}

export async function downloadJob(target: HostTarget, input: TransferInput, ask: AskClash, ctx: JobContext): Promise<TransferJobResult> {
  const carry = { session: target.session, signal: ctx.signal, log: ctx.log }
  const destination = resolve(input.destination)
  ctx.step(`Looking at what to fetch from ${target.server}`)
  const clash = new ClashResolver(input.onClash, ask)
  const plan = await carryOn(carry, input.sources.join(', '), (sftp) => planTransfer(input.sources, destination, remoteSource(new RemoteFs(sftp, target.server)), localDestination, clash, 'on this computer'))
  ctx.step(`Fetching ${plan.files} files (${formatBytes(plan.bytes)}) into ${destination}`)

  const meter = new ProgressMeter(ctx, plan.bytes, plan.files)
  const env: TransferEnv = { target, ctx, meter, window: new RequestWindow(JOB_WINDOW), verify: input.verify, token: randomBytes(6).toString('hex'), counts: { resumed: 0, verified: 0 } }
  const dirs = plan.items.filter((i) => i.kind === 'dir' && !i.merge)
  try {
    for (const d of dirs) {
      await mkdir(d.to, { mode: 0o700 }).catch((err: unknown) => {
        if ((err as { code?: string }).code !== 'EEXIST') throw localError(err, d.to, 'create the folder')
      })
    }
    // Names travel as command arguments for batches: their length bounds a batch.
    const { batches, single } = splitBatches(plan.items.filter((i) => i.kind !== 'dir'), (i) => Buffer.byteLength(i.from) + 80)
    await Promise.all([
      runPool(batches, BATCHES_AT_ONCE, ctx.signal, (batch) => getBatch(env, batch)),
      runPool(single, input.parallel, ctx.signal, (item) => (item.kind === 'file' ? getFile(env, item) : makeLink(env, item))),
    ])
    for (const d of [...dirs].reverse()) {
      await chmod(d.to, d.mode).catch((err: unknown) => {
        throw localError(err, d.to, 'change')
      })
      await utimes(d.to, d.atime, d.mtime).catch(() => {})
    }
  } finally {
    meter.stop()
  }
  return resultOf(plan, env)
}
