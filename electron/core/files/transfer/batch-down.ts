// A batch of small files down: `tar -c` on the server streams them over one command channel (names passed
// as arguments, links never followed), and each entry is written here under its temporary name, given the
// mode and times the plan saw, and renamed into place. A drop fetches the batch again.

import { chmodSync, renameSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import type { ClientChannel } from 'ssh2'
import { Parser, type ReadEntry } from 'tar'
import { HomeportError } from '../../../../shared/errors.js'
import { absolutePath } from '../host-target.js'
import { channelExit } from '../../connection/exec.js'
import { serverSha256Many } from '../server-command.js'
import { sha256Of } from '../file-version.js'
import { carryOn } from './carry-on.js'
import { localError } from './local-errors.js'
import { localTemp } from './local-temp.js'
import { streamExitError } from './stream-get.js'
import type { Batch } from './small-batches.js'
import type { TransferEnv } from './transfer-env.js'
import type { PlanItem } from './transfer-plan.js'

const key = (name: string) => name.replace(/^(\.\/|\/)+/, '')

/** Written on this thread: four quick calls per small file instead of four pool hops (see sliced.ts). */
function store(env: TransferEnv, item: PlanItem, data: Buffer, expected?: string): void {
  if (data.length !== item.size) throw new HomeportError('FILE_CHANGED', `${item.from} on ${env.target.server} changed while it was being read.`, { hint: 'Download it again once nothing writes to it.' })
  if (expected !== undefined && expected !== sha256Of(data)) throw new HomeportError('INTERNAL', `${item.to} arrived with another sha256 than ${item.from}.`, { hint: 'Download it again.' })
  const temp = localTemp(item.to, env.token)
  try {
    writeFileSync(temp, data, { mode: 0o600 })
    chmodSync(temp, item.mode)
    utimesSync(temp, item.atime, item.mtime)
    renameSync(temp, item.to)
  } catch (err) {
    try {
      unlinkSync(temp)
    } catch {
      // Not there: nothing to clean.
    }
    throw localError(err, item.to, 'write')
  }
}

function collect(entry: ReadEntry): Promise<Buffer> {
  const parts: Buffer[] = []
  entry.on('data', (c: Buffer) => parts.push(c))
  return new Promise((resolve, reject) => {
    entry.once('end', () => resolve(Buffer.concat(parts)))
    entry.once('error', reject)
  })
}

async function fetchBatch(env: TransferEnv, batch: Batch, absolutes: string[], hashes: (string | undefined)[] | undefined): Promise<void> {
  const wanted = new Map(absolutes.map((a, k) => [key(a), batch.items[k]]))
  const channel: ClientChannel = await env.target.session.execStream(['env', 'LC_ALL=C', 'tar', '-c', '-f', '-', '-C', '/', ...absolutes.map((a) => `.${a}`)])
  const onAbort = (): void => void channel.close()
  env.ctx.signal.addEventListener('abort', onAbort, { once: true })
  const writes: Promise<void>[] = []
  let received = 0
  try {
    let stderr = ''
    channel.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    // The exit comes from where it was caught as the channel opened: a small batch's whole reply can be
    // dispatched before this listens.
    const exit = channelExit(channel)
    const parser = new Parser({
      onReadEntry: (entry) => {
        const item = wanted.get(key(entry.path))
        if (!item || entry.type !== 'File') return void entry.resume()
        wanted.delete(key(entry.path))
        const k = batch.items.indexOf(item)
        writes.push(collect(entry).then((data) => {
          received += data.length
          env.meter.fileBytes(batch.items[0].to, received)
          return store(env, item, data, hashes?.[k])
        }))
      },
    })
    const parsed = new Promise<void>((resolve, reject) => parser.on('end', resolve).on('error', reject))
    channel.pipe(parser as unknown as NodeJS.WritableStream)
    const endedWith = streamExitError(await exit, 'tar', absolutes[0], stderr, env.target.server, 'read')
    env.ctx.signal.throwIfAborted()
    if (endedWith) throw endedWith
    await parsed
    await Promise.all(writes)
    if (wanted.size > 0) throw new HomeportError('FILE_CHANGED', `${[...wanted.values()][0].from} on ${env.target.server} changed while it was being read.`, { hint: 'Download it again.' })
  } finally {
    await Promise.allSettled(writes)
    env.ctx.signal.removeEventListener('abort', onAbort)
  }
}

export async function getBatch(env: TransferEnv, batch: Batch): Promise<void> {
  const absolutes = await Promise.all(batch.items.map((i) => absolutePath(env.target, i.from)))
  const hashes = env.verify === 'sha256' ? await serverSha256Many(env.target, absolutes, env.ctx.signal) : undefined
  env.meter.fileStarted(batch.items[0].to, `${batch.items.length} small files`, batch.bytes)
  await carryOn({ session: env.target.session, signal: env.ctx.signal, log: env.ctx.log }, `${batch.items.length} files`, () => fetchBatch(env, batch, absolutes, hashes))
  if (hashes) env.counts.verified += batch.items.length
  env.meter.fileDropped(batch.items[0].to)
  for (const item of batch.items) env.meter.fileDone(item.to, item.size)
}
