// Uploads into and downloads out of a volume, as archives through a helper. Up: the plan of local files
// (clashes decided for the names at the destination; a folder onto a folder merges, its contents replaced
// as they arrive) streamed as one archive, owned like the destination folder. Down: each source's archive
// unpacked into a hidden folder beside the destination, then moved into place under the clash policy.

import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { x as extract } from 'tar'
import type { TransferJobResult } from '../../../../shared/contract/files.js'
import { HomeportError } from '../../../../shared/errors.js'
import type { JobContext } from '../../jobs/job-runner.js'
import { formatBytes } from '../file-errors.js'
import { ClashResolver, type AskClash } from '../transfer/clash-resolver.js'
import { localError } from '../transfer/local-errors.js'
import { localDestination, localSource } from '../transfer/local-tree.js'
import { ProgressMeter } from '../transfer/progress-meter.js'
import { planTransfer, type DestinationTree, type PlanItem } from '../transfer/transfer-plan.js'
import { resultOf, type TransferInput } from '../transfer/upload-job.js'
import { END_OF_ARCHIVE, headerBlocks, padding } from './tar-write.js'
import { withHelper, type Container, type VolumeTarget } from './volume-helper.js'
import { archiveOf, statIn } from './volume-files.js'
import { inHelper, shown, volumePath } from './volume-path.js'

const join2 = (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`)

/** Names at the destination are looked up one by one (a folder's listing would stream all it holds). */
function volumeDestination(t: VolumeTarget, c: Container, dest: string, names: string[]): DestinationTree {
  return {
    async taken(dir) {
      if (dir !== dest) return new Map()
      const taken = new Map<string, PlanItem['kind']>()
      for (const name of names) {
        const found = await statIn(t, c, join2(dest, name)).catch(() => undefined)
        if (found) taken.set(name, found.type)
      }
      return taken
    },
    join: join2,
  }
}

async function* archiveOfPlan(items: PlanItem[], dest: string, owner: { uid: number; gid: number }, meter: ProgressMeter, signal: AbortSignal): AsyncGenerator<Buffer> {
  const prefix = dest === '/' ? '/' : `${dest}/`
  for (const item of items) {
    signal.throwIfAborted()
    const path = item.to.slice(prefix.length)
    const common = { mode: item.mode, ...owner, mtime: new Date(item.mtime * 1000) }
    if (item.kind === 'dir') {
      if (!item.merge) yield headerBlocks({ path: `${path}/`, type: 'Directory', ...common })
    } else if (item.kind === 'symlink') {
      yield headerBlocks({ path, type: 'SymbolicLink', linkpath: item.target, ...common })
    } else if (item.kind === 'file') {
      yield headerBlocks({ path, type: 'File', size: item.size, ...common })
      meter.fileStarted(item.to, item.to, item.size)
      let sent = 0
      for await (const chunk of createReadStream(item.from, { highWaterMark: 256 * 1024 })) {
        sent += (chunk as Buffer).length
        if (sent > item.size) break
        meter.fileBytes(item.to, sent)
        yield chunk as Buffer
      }
      if (sent !== item.size) throw new HomeportError('FILE_CHANGED', `${item.from} changed on this computer while it was being sent.`, { hint: 'Send it again once nothing writes to it.' })
      yield padding(item.size)
      meter.fileDone(item.to, item.size)
    }
  }
  yield END_OF_ARCHIVE
}

export function uploadToVolume(t: VolumeTarget, input: TransferInput, ask: AskClash, ctx: JobContext): Promise<TransferJobResult> {
  const dest = volumePath(input.destination)
  return withHelper(t, { write: true }, async (c) => {
    ctx.step(`Looking at what to send to ${shown(t.volume, dest)}`)
    const folder = await statIn(t, c, dest)
    if (folder.type !== 'dir') throw new HomeportError('INVALID_INPUT', `${shown(t.volume, dest)} on ${t.server} is not a folder.`)
    const sources = input.sources.map((s) => resolve(s))
    const plan = await planTransfer(sources, dest, localSource, volumeDestination(t, c, dest, sources.map((s) => basename(s))), new ClashResolver(input.onClash, ask), `in volume ${t.volume}`)
    ctx.step(`Sending ${plan.files} files (${formatBytes(plan.bytes)}) to ${shown(t.volume, dest)}`)
    const meter = new ProgressMeter(ctx, plan.bytes, plan.files)
    try {
      const archive = Readable.from(archiveOfPlan(plan.items, dest, { uid: folder.uid, gid: folder.gid }, meter, ctx.signal))
      await c.putArchive(archive, { path: inHelper(dest) })
    } finally {
      meter.stop()
    }
    return resultOf(plan, { counts: { resumed: 0, verified: 0 } })
  })
}

export function downloadFromVolume(t: VolumeTarget, input: TransferInput, ask: AskClash, ctx: JobContext): Promise<TransferJobResult> {
  const destination = resolve(input.destination)
  const clash = new ClashResolver(input.onClash, ask)
  return withHelper(t, { write: false }, async (c) => {
    ctx.step(`Looking at what to fetch from volume ${t.volume}`)
    const sizes = await Promise.all(input.sources.map((s) => statIn(t, c, s)))
    const total = sizes.reduce((sum, e) => sum + e.size, 0)
    const meter = new ProgressMeter(ctx, total, input.sources.length, 'items')
    const staging = join(destination, `.homeport-${randomBytes(6).toString('hex')}.part`)
    const result: TransferJobResult = { files: 0, folders: 0, links: 0, bytes: 0, skipped: [], renamed: [], verified: 0, resumed: 0 }
    await mkdir(staging, { mode: 0o700 }).catch((err: unknown) => {
      throw localError(err, destination, 'write into')
    })
    try {
      for (const source of input.sources) {
        const p = volumePath(source)
        const archive = await archiveOf(t, c, p)
        let bytes = 0
        meter.fileStarted(p, shown(t.volume, p), 0)
        archive.on('data', (chunk: Buffer) => meter.fileBytes(p, (bytes += chunk.length)))
        const unpack = extract({ cwd: staging, preserveOwner: false, chmod: true, processUmask: 0, onReadEntry: (e) => void (e.type === 'Directory' ? result.folders++ : e.type === 'SymbolicLink' ? result.links++ : (result.files++, (result.bytes += e.size ?? 0))) })
        await pipeline(archive, unpack as unknown as NodeJS.WritableStream, { signal: ctx.signal }).catch((err: unknown) => {
          throw localError(err, destination, 'write into')
        })
        meter.fileDone(p, bytes)
        const name = p === '/' ? 'volume' : basename(p)
        const plan = await planTransfer([join(staging, name)], destination, localSource, localDestination, clash, 'on this computer')
        // A folder new at the destination moves whole; inside a merged one, each item moves by itself.
        const moved: string[] = []
        for (const item of plan.items) {
          if (item.merge || moved.some((dir) => item.from.startsWith(`${dir}/`))) continue
          await rename(item.from, item.to).catch((err: unknown) => {
            throw localError(err, item.to, 'write')
          })
          if (item.kind === 'dir') moved.push(item.from)
        }
        result.skipped.push(...plan.skipped)
        result.renamed.push(...plan.renamed)
      }
    } finally {
      meter.stop()
      await rm(staging, { recursive: true, force: true })
    }
    return result
  })
}
