// An upload job: local files and folders into a folder on the server. Planned first (clashes decided), then
// folders created (writable for now), files sent `parallel` at a time, symlinks recreated as links, and
// last each created folder's own mode and times, deepest first, since writing into a folder changes them.

import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import type { ClashPolicy, TransferJobResult } from '../../../../shared/contract/index.js'
import { sftpRequest, tempSibling } from '../../connection/sftp.js'
import type { JobContext } from '../../jobs/job-runner.js'
import { formatBytes } from '../file-errors.js'
import { joinPath } from '../file-entry.js'
import { absolutePath, type HostTarget } from '../host-target.js'
import { writeError } from '../whole-file.js'
import { putBatch, type Staging } from './batch-up.js'
import { RemoteFs } from '../remote-fs.js'
import { carryOn } from './carry-on.js'
import { ClashResolver, type AskClash } from './clash-resolver.js'
import { localSource } from './local-tree.js'
import { ProgressMeter } from './progress-meter.js'
import { putFile } from './put-file.js'
import { remoteDestination } from './remote-tree.js'
import { RequestWindow } from './request-window.js'
import { runPool } from './run-pool.js'
import { BATCHES_AT_ONCE, splitBatches } from './small-batches.js'
import { JOB_WINDOW, type TransferEnv } from './transfer-env.js'
import { planTransfer, type Plan, type PlanItem } from './transfer-plan.js'

export interface TransferInput {
  sources: string[]
  destination: string
  onClash: ClashPolicy
  verify: 'size' | 'sha256'
  parallel: number
}

export function resultOf(plan: Plan, env: Pick<TransferEnv, 'counts'>): TransferJobResult {
  const count = (kind: PlanItem['kind']) => plan.items.filter((i) => i.kind === kind).length
  return {
    files: plan.files,
    folders: plan.items.filter((i) => i.kind === 'dir' && !i.merge).length,
    links: count('symlink'),
    bytes: plan.bytes,
    skipped: plan.skipped.slice(0, 200),
    renamed: plan.renamed.slice(0, 200),
    verified: env.counts.verified,
    resumed: env.counts.resumed,
  }
}

async function putLink(env: TransferEnv, item: PlanItem): Promise<void> {
  const temp = tempSibling(item.to, env.token)
  await carryOn({ session: env.target.session, signal: env.ctx.signal, log: env.ctx.log }, item.to, async (sftp) => {
    const fs = new RemoteFs(sftp, env.target.server)
    await fs.unlink(temp).catch(() => {})
    await fs.symlink(item.target!, temp)
    await fs.rename(temp, item.to, item.replace)
  })
}

/** The job's hidden staging folder for batches; a refusal names the first file that would go through it. */
async function makeStaging(env: TransferEnv, destination: string, firstFile: string): Promise<Staging> {
  const dir = joinPath(destination, `.homeport-${env.token}.part`)
  await carryOn({ session: env.target.session, signal: env.ctx.signal, log: env.ctx.log }, destination, async (sftp) => {
    await sftpRequest<void>(sftp, (cb) => sftp.mkdir(dir, { mode: 0o700 }, (err) => cb(err))).catch(async (err: unknown) => {
      throw await writeError(new RemoteFs(sftp, env.target.server), err, firstFile, 0)
    })
  })
  return { root: destination, dir }
}

export async function uploadJob(target: HostTarget, input: TransferInput, ask: AskClash, ctx: JobContext): Promise<TransferJobResult> {
  const carry = { session: target.session, signal: ctx.signal, log: ctx.log }
  const where = `on ${target.server}`
  ctx.step(`Looking at what to send to ${input.destination}`)
  const clash = new ClashResolver(input.onClash, ask)
  const sources = input.sources.map((s) => resolve(s))
  const plan = await carryOn(carry, input.destination, (sftp) => planTransfer(sources, input.destination, localSource, remoteDestination(new RemoteFs(sftp, target.server)), clash, where))
  ctx.step(`Sending ${plan.files} files (${formatBytes(plan.bytes)}) to ${input.destination} ${where}`)

  const meter = new ProgressMeter(ctx, plan.bytes, plan.files)
  const env: TransferEnv = { target, ctx, meter, window: new RequestWindow(JOB_WINDOW), verify: input.verify, token: randomBytes(6).toString('hex'), counts: { resumed: 0, verified: 0 } }
  const dirs = plan.items.filter((i) => i.kind === 'dir' && !i.merge)
  try {
    // Sent together: the server handles requests in order, so each parent exists before its children.
    await carryOn(carry, input.destination, async (sftp) => {
      const fs = new RemoteFs(sftp, target.server)
      await Promise.all(dirs.map((d) => fs.mkdir(d.to, 0o700).catch(async (err: unknown) => {
        if (!(await fs.exists(d.to))) throw err
      })))
    })
    const { batches, single } = splitBatches(plan.items.filter((i) => i.kind !== 'dir'))
    const staging = batches.length > 0 ? await makeStaging(env, input.destination, batches[0].items[0].to) : undefined
    try {
      await Promise.all([
        runPool(batches, BATCHES_AT_ONCE, ctx.signal, (batch) => putBatch(env, batch, staging!)),
        runPool(single, input.parallel, ctx.signal, (item) => (item.kind === 'file' ? putFile(env, item) : putLink(env, item))),
      ])
    } finally {
      if (staging) await target.session.exec(['rm', '-rf', '--', await absolutePath(target, staging.dir)], { timeoutMs: 120_000 }).catch(() => {})
    }
    await carryOn(carry, input.destination, async (sftp) => {
      const fs = new RemoteFs(sftp, target.server)
      await Promise.all([...dirs].reverse().map((d) => fs.setstat(d.to, { mode: d.mode, atime: d.atime, mtime: d.mtime })))
    })
  } finally {
    meter.stop()
  }
  return resultOf(plan, env)
}
