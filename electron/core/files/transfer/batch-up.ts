// A batch of small files up: one archive streamed into `tar -x` on the server, unpacked into this job's
// hidden staging folder inside the destination, then each file renamed into place (posix-rename, all sent
// at once). Until its rename a file exists only in staging, so a destination file is always the old one or
// the whole new one. A server without tar, or a rename that cannot be done (another filesystem), falls back
// to the file-by-file path; a drop sends the whole batch again.

import { closeSync, openSync, readSync } from 'node:fs'
import type { ClientChannel } from 'ssh2'
import { HomeportError } from '../../../../shared/errors.js'
import { joinPath } from '../file-entry.js'
import { RemoteFs } from '../remote-fs.js'
import { channelExit } from '../../connection/exec.js'
import { serverSha256Many } from '../server-command.js'
import { END_OF_ARCHIVE, headerBlocks, padding } from '../volumes/tar-write.js'
import { carryOn } from './carry-on.js'
import { localError } from './local-errors.js'
import { localSha256 } from './local-hash.js'
import { putFile } from './put-file.js'
import { timeSlicer } from './sliced.js'
import { streamExitError } from './stream-get.js'
import type { Batch } from './small-batches.js'
import type { SshSession } from '../../connection/types.js'
import type { TransferEnv } from './transfer-env.js'
import type { PlanItem } from './transfer-plan.js'

const tarKinds = new WeakMap<SshSession, Promise<'gnu' | 'other' | 'none'>>()

/** Which tar the server has, asked once per connection: GNU tar keeps modes only with -p (for a user other
 * than root); BusyBox's keeps them always and has no -p. */
function tarKind(session: SshSession): Promise<'gnu' | 'other' | 'none'> {
  let kind = tarKinds.get(session)
  if (!kind) {
    kind = session.exec(['tar', '--version'], { timeoutMs: 30_000 }).then((res) => (res.code === 127 ? 'none' : /GNU tar/.test(res.stdout) ? 'gnu' : 'other'))
    kind.catch(() => tarKinds.delete(session))
    tarKinds.set(session, kind)
  }
  return kind
}

export interface Staging {
  /** The destination folder as the plan names it, and the staging folder inside it. */
  root: string
  dir: string
}

/** A small file's bytes, read on this thread (see sliced.ts). */
function readSmall(item: PlanItem): Buffer {
  let fd: number
  try {
    fd = openSync(item.from, 'r')
  } catch (err) {
    throw localError(err, item.from, 'read')
  }
  try {
    const buf = Buffer.allocUnsafe(item.size)
    const bytesRead = readSync(fd, buf, 0, item.size, 0)
    if (bytesRead !== item.size) throw new HomeportError('FILE_CHANGED', `${item.from} changed on this computer while it was being sent.`, { hint: 'Send it again once nothing writes to it.' })
    return buf
  } catch (err) {
    throw err instanceof HomeportError ? err : localError(err, item.from, 'read')
  } finally {
    closeSync(fd)
  }
}

function relative(staging: Staging, item: PlanItem): string {
  return item.to.slice(staging.root.endsWith('/') ? staging.root.length : staging.root.length + 1)
}

async function unpack(env: TransferEnv, batch: Batch, staging: Staging): Promise<'done' | 'no-tar'> {
  const kind = await tarKind(env.target.session)
  if (kind === 'none') return 'no-tar'
  const channel: ClientChannel = await env.target.session.execStream(['env', 'LC_ALL=C', 'tar', '-x', ...(kind === 'gnu' ? ['-p'] : []), '-o', '-f', '-', '-C', staging.dir])
  const onAbort = (): void => void channel.close()
  env.ctx.signal.addEventListener('abort', onAbort, { once: true })
  try {
    let stderr = ''
    channel.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    // Nothing is expected on stdout, but it must flow: an unread channel never reports its close.
    channel.resume()
    // The exit comes from where it was caught as the channel opened (it can be dispatched before this listens).
    const exit = channelExit(channel)
    let sent = 0
    const turn = timeSlicer()
    for (const item of batch.items) {
      await turn()
      let data: Buffer
      try {
        data = readSmall(item)
      } catch (err) {
        channel.close()
        throw err
      }
      const head = headerBlocks({ path: relative(staging, item), type: 'File', size: item.size, mode: item.mode, uid: 0, gid: 0, mtime: new Date(item.mtime * 1000) })
      if (!channel.write(Buffer.concat([head, data, padding(item.size)]))) await new Promise((r) => channel.once('drain', r))
      sent += item.size
      env.meter.fileBytes(batch.items[0].to, sent)
    }
    channel.end(END_OF_ARCHIVE)
    const ended = await exit
    env.ctx.signal.throwIfAborted()
    if (ended.code === 127) return 'no-tar'
    const endedWith = streamExitError(ended, 'tar', batch.items[0].to, stderr, env.target.server, 'write')
    if (endedWith) throw endedWith
    return 'done'
  } finally {
    env.ctx.signal.removeEventListener('abort', onAbort)
  }
}

export async function putBatch(env: TransferEnv, batch: Batch, staging: Staging): Promise<void> {
  const key = batch.items[0].to
  env.meter.fileStarted(key, `${batch.items.length} small files`, batch.bytes)
  const fallback: PlanItem[] = []
  await carryOn({ session: env.target.session, signal: env.ctx.signal, log: env.ctx.log }, `${batch.items.length} files`, async (sftp) => {
    fallback.length = 0
    if ((await unpack(env, batch, staging)) === 'no-tar') return void fallback.push(...batch.items)
    const fs = new RemoteFs(sftp, env.target.server)
    const staged = batch.items.map((item) => joinPath(staging.dir, relative(staging, item)))
    if (env.verify === 'sha256') {
      const [there, here] = await Promise.all([serverSha256Many(env.target, staged, env.ctx.signal), Promise.all(batch.items.map((i) => localSha256(i.from)))])
      const bad = batch.items.findIndex((_, k) => there[k] !== here[k])
      if (bad >= 0) throw new HomeportError('INTERNAL', `${batch.items[bad].to} arrived with another sha256 than ${batch.items[bad].from}.`, { hint: 'Send it again.' })
      env.counts.verified += batch.items.length
    }
    const renamed = await Promise.allSettled(batch.items.map((item, k) => fs.rename(staged[k], item.to, true, item.to)))
    renamed.forEach((r, k) => {
      if (r.status === 'fulfilled') return
      if ((r.reason as HomeportError).code !== 'INTERNAL') throw r.reason
      fallback.push(batch.items[k])
    })
  })
  env.meter.fileDropped(key)
  for (const item of batch.items) if (!fallback.includes(item)) env.meter.fileDone(item.to, item.size)
  for (const item of fallback) await putFile(env, item)
}
