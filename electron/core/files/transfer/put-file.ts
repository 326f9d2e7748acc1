// One file up: pipelined writes (a big file: one command channel) into a temporary name beside the
// destination, then mode and times, a size check (and sha256 on both ends when asked), and the rename into
// place, so the destination is always either the old file or the whole new one. A dropped connection
// resumes from the last byte the server holds without a gap; any other failure removes the temporary file.

import { open, type FileHandle } from 'node:fs/promises'
import type { SFTPWrapper } from 'ssh2'
import { HomeportError } from '../../../../shared/errors.js'
import { sftpRequest, tempSibling } from '../../connection/sftp.js'
import { absolutePath } from '../host-target.js'
import { RemoteFs } from '../remote-fs.js'
import { serverSha256 } from '../server-command.js'
import { writeError } from '../whole-file.js'
import { carryOn, liveSftp } from './carry-on.js'
import { localError } from './local-errors.js'
import { LocalReader } from './local-reader.js'
import { localSha256 } from './local-hash.js'
import { pipeChunks } from './pipe-chunks.js'
import { requestSize } from './request-window.js'
import { STREAM_MIN_BYTES } from './stream-get.js'
import { streamUp } from './stream-put.js'
import { FILE_DEPTH, type TransferEnv } from './transfer-env.js'
import type { PlanItem } from './transfer-plan.js'

async function sendBytes(env: TransferEnv, item: PlanItem, fs: RemoteFs, local: FileHandle, temp: string, state: { offset: number; moved: boolean }): Promise<void> {
  const { sftp } = fs
  let handle: Buffer
  let thereSize = 0
  if (state.offset > 0 && !(await fs.exists(temp))) state.offset = 0
  if (state.offset > 0) {
    handle = await fs.open(temp, 'r+')
    thereSize = (await fs.fstat(handle, item.to)).size
    state.offset = Math.min(state.offset, thereSize)
  } else {
    handle = await sftpRequest<Buffer>(sftp, (cb) => sftp.open(temp, 'w', { mode: 0o600 }, cb)).catch(async (err: unknown) => {
      throw await writeError(fs, err, item.to, item.size)
    })
  }
  env.meter.fileBytes(item.to, state.offset)
  if (item.size - state.offset >= STREAM_MIN_BYTES) {
    try {
      // The stream appends: bytes past the resume point (unconfirmed SFTP writes) must go first.
      if (thereSize > state.offset) await fs.fsetstat(handle, { size: state.offset }, item.to)
      const streamed = await streamUp(env, await absolutePath(env.target, temp), item.to, local, item.from, item.size, state, (done) => env.meter.fileBytes(item.to, done))
      if (streamed) return await finishWrite(item, fs, handle)
    } catch (err) {
      void fs.close(handle, item.to).catch(() => {})
      throw err
    }
  }
  const chunk = requestSize(sftp, 'write')
  if (state.offset === 0 && item.size <= chunk) return sendSmall(env, item, fs, local, handle, state)
  const reader = new LocalReader(local, item.from, item.size)
  try {
    await pipeChunks(
      { from: state.offset, size: item.size, chunk, depth: FILE_DEPTH, window: env.window, signal: env.ctx.signal, onProgress: (done, prefix) => {
        state.offset = prefix
        state.moved = true
        env.meter.fileBytes(item.to, done)
      } },
      async (pos, len) => {
        const buf = await reader.slice(pos, len)
        await sftpRequest<void>(sftp, (cb) => sftp.write(handle, buf, 0, len, pos, (err) => cb(err))).catch(async (err: unknown) => {
          throw await writeError(fs, err, item.to, item.size - pos)
        })
      },
    )
  } catch (err) {
    void fs.close(handle, item.to).catch(() => {})
    throw err
  }
  await finishWrite(item, fs, handle)
}

/**
 * Mode and times, the size as written, and the close, sent together (after `pending`, the last writes):
 * the server handles requests in order, so the times stay (no write comes after) and the size is final.
 */
async function finishWrite(item: PlanItem, fs: RemoteFs, handle: Buffer, pending: Promise<unknown>[] = []): Promise<void> {
  const [written] = await Promise.all([
    fs.fstat(handle, item.to),
    fs.fsetstat(handle, { mode: item.mode, atime: item.atime, mtime: item.mtime }, item.to),
    fs.close(handle, item.to),
    ...pending,
  ])
  if (written.size !== item.size) {
    throw new HomeportError('INTERNAL', `${item.to} arrived with ${written.size} bytes instead of ${item.size}.`, { hint: 'Send it again.' })
  }
}

/** A file of one request: its write goes out with the finishing requests, one round trip in all. */
async function sendSmall(env: TransferEnv, item: PlanItem, fs: RemoteFs, local: FileHandle, handle: Buffer, state: { offset: number; moved: boolean }): Promise<void> {
  const buf = Buffer.allocUnsafe(item.size)
  const { bytesRead } = await local.read(buf, 0, item.size, 0).catch((err: unknown) => {
    void fs.close(handle, item.to).catch(() => {})
    throw localError(err, item.from, 'read')
  })
  if (bytesRead !== item.size) {
    void fs.close(handle, item.to).catch(() => {})
    throw new HomeportError('FILE_CHANGED', `${item.from} changed on this computer while it was being sent.`, { hint: 'Send it again once nothing writes to it.' })
  }
  const { sftp } = fs
  const write = item.size === 0 ? Promise.resolve() : sftpRequest<void>(sftp, (cb) => sftp.write(handle, buf, 0, item.size, 0, (err) => cb(err))).catch(async (err: unknown) => {
    throw await writeError(fs, err, item.to, item.size)
  })
  await finishWrite(item, fs, handle, [write])
  state.offset = item.size
  state.moved = true
  env.meter.fileBytes(item.to, item.size)
}

async function checkAndPlace(env: TransferEnv, item: PlanItem, fs: RemoteFs, temp: string): Promise<void> {
  if (env.verify === 'sha256') {
    const [there, here] = await Promise.all([serverSha256(env.target, await absolutePath(env.target, temp), env.ctx.signal), localSha256(item.from)])
    if (there !== here) throw new HomeportError('INTERNAL', `${item.to} arrived with another sha256 than ${item.from} (${there} instead of ${here}).`, { hint: 'Send it again.' })
    env.counts.verified++
  }
  await fs.rename(temp, item.to, item.replace)
}

export async function putFile(env: TransferEnv, item: PlanItem): Promise<void> {
  const temp = tempSibling(item.to, env.token)
  const state = { offset: 0, moved: false, placed: false }
  env.meter.fileStarted(item.to, item.to, item.size)
  const local = await open(item.from, 'r').catch((err: unknown) => {
    throw localError(err, item.from, 'read')
  })
  try {
    await carryOn({ session: env.target.session, signal: env.ctx.signal, log: env.ctx.log }, item.to, async (sftp: SFTPWrapper) => {
      const fs = new RemoteFs(sftp, env.target.server)
      // Replacing needs no write permission on the old file, only on its folder: ask the file itself first.
      if (item.replace && !state.moved && state.offset === 0) await fs.close(await fs.open(item.to, 'r+'), item.to)
      if (state.offset > 0 && !(await fs.exists(temp)) && (await fs.exists(item.to))?.size === item.size) {
        // The rename went through just before the connection dropped.
        return
      }
      await sendBytes(env, item, fs, local, temp, state)
      await checkAndPlace(env, item, fs, temp)
    }, () => {
      env.counts.resumed++
      const moved = state.moved
      state.moved = false
      return moved
    })
    env.meter.fileDone(item.to, item.size)
  } catch (err) {
    env.meter.fileDropped(item.to)
    const sftp = await liveSftp(env.target.session, AbortSignal.timeout(10_000)).catch(() => undefined)
    if (sftp) await new RemoteFs(sftp, env.target.server).unlink(temp).catch(() => {})
    throw err
  } finally {
    await local.close()
  }
}
