// Copy on the server: `cp -R -P -p` (links copied as links, modes and times kept) into a temporary name
// beside the destination, renamed into place when whole. Progress is the temporary copy's size against the
// source's, both from `du`, polled while cp runs. A failed or cancelled copy leaves no trace.

import { randomBytes } from 'node:crypto'
import type { CopyJobResult } from '../../../shared/contract/index.js'
import { tempSibling } from '../connection/sftp.js'
import type { JobContext } from '../jobs/job-runner.js'
import { fileType } from './file-entry.js'
import { nameClash } from './file-errors.js'
import { absolutePath, type HostTarget } from './host-target.js'
import { runOnServer } from './server-command.js'
import { ProgressMeter } from './transfer/progress-meter.js'

async function diskUsage(target: HostTarget, absolute: string): Promise<number> {
  const res = await target.session.exec(['du', '-s', '-k', '--', absolute], { timeoutMs: 30_000 })
  const kib = Number.parseInt(res.stdout, 10)
  return Number.isFinite(kib) ? kib * 1024 : 0
}

export async function copyOnServer(target: HostTarget, from: string, to: string, overwrite: boolean, ctx: JobContext): Promise<CopyJobResult> {
  const fs = await target.fs()
  const source = await fs.lstat(from)
  const taken = await fs.exists(to)
  if (taken && !overwrite) throw nameClash(to, target.server)
  if (taken && (fileType(taken.mode) === 'dir' || fileType(source.mode) === 'dir')) throw nameClash(to, target.server, 'A folder')
  const [src, dst] = await Promise.all([absolutePath(target, from), absolutePath(target, to)])
  const temp = tempSibling(dst, `copy-${randomBytes(6).toString('hex')}`)

  ctx.step(`Measuring ${from}`)
  const total = await diskUsage(target, src)
  ctx.step(`Copying ${from} to ${to}`)
  const meter = new ProgressMeter(ctx, total, 1, 'copies')
  meter.fileStarted(to, to, total)
  let polling = true
  let wake = (): void => {}
  const poll = (async () => {
    while (polling) {
      await new Promise<void>((r) => {
        wake = r
        setTimeout(r, 500)
      })
      if (polling) meter.fileBytes(to, Math.min(total, await diskUsage(target, temp).catch(() => 0)))
    }
  })()
  try {
    await runOnServer(target, ['cp', '-R', '-P', '-p', '--', src, temp], { path: to, action: 'copy to' }, { signal: ctx.signal })
    await fs.rename(temp, dst, taken !== undefined)
    meter.fileDone(to, total)
    return { from, to, bytes: total }
  } catch (err) {
    // The cancelled cp is killed first; whatever it had written goes.
    await target.session.exec(['rm', '-rf', '--', temp], { timeoutMs: 60_000 }).catch(() => {})
    throw err
  } finally {
    polling = false
    wake()
    await poll.catch(() => {})
    meter.stop()
  }
}
