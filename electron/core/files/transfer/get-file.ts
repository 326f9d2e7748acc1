// One file down: pipelined reads into a temporary name beside the local destination, then mode and times,
// a size check (and sha256 on both ends when asked), and the rename into place. A dropped connection resumes
// from the last byte written here without a gap; a source that changed meanwhile starts over.

import { open, rename, unlink } from 'node:fs/promises'
import type { SFTPWrapper } from 'ssh2'
import { HomeportError } from '../../../../shared/errors.js'
import { sftpRequest } from '../../connection/sftp.js'
import { fileError } from '../file-errors.js'
import { absolutePath } from '../host-target.js'
import { RemoteFs } from '../remote-fs.js'
import { serverSha256 } from '../server-command.js'
import { carryOn } from './carry-on.js'
import { localError } from './local-errors.js'
import { localSha256 } from './local-hash.js'
import { localTemp } from './local-temp.js'
import { pipeChunks } from './pipe-chunks.js'
import { requestSize } from './request-window.js'
import { STREAM_MIN_BYTES, streamDown } from './stream-get.js'
import { FILE_DEPTH, type TransferEnv } from './transfer-env.js'
import type { PlanItem } from './transfer-plan.js'

interface State {
  offset: number
  moved: boolean
  mtime?: number
}

/** Reads of the whole file (from `state.offset`), with the file's attributes asked in the same round trip. */
async function fetchBytes(env: TransferEnv, item: PlanItem, fs: RemoteFs, temp: string, state: State): Promise<'done' | 'again'> {
  const handle = await fs.open(item.from, 'r')
  const checking = fs.fstat(handle, item.from)
  // The first look at the file is what a resumed read must still find.
  void checking.then((st) => (state.mtime ??= st.mtime), () => {})
  try {
    const local = await open(temp, state.offset > 0 ? 'r+' : 'w', 0o600).catch((err: unknown) => {
      throw localError(err, item.to, 'write')
    })
    try {
      env.meter.fileStarted(item.to, item.to, item.size, state.offset)
      const { sftp } = fs
      const streamed =
        item.size - state.offset >= STREAM_MIN_BYTES &&
        (await streamDown(env, await absolutePath(env.target, item.from), item.from, local, item.to, state, (done) => env.meter.fileBytes(item.to, done)))
      if (!streamed) await pipeChunks(
        { from: state.offset, size: item.size, chunk: requestSize(sftp, 'read'), depth: FILE_DEPTH, window: env.window, signal: env.ctx.signal, onProgress: (done, prefix) => {
          state.offset = prefix
          state.moved = true
          env.meter.fileBytes(item.to, done)
        } },
        async (pos, len) => {
          const buf = Buffer.allocUnsafe(len)
          for (let got = 0; got < len; ) {
            const n = await sftpRequest<number>(sftp, (cb) => sftp.read(handle, buf, got, len - got, pos + got, (err, bytes) => cb(err, bytes))).catch((err: unknown) => {
              throw fileError(err, item.from, env.target.server, 'read')
            })
            if (n === 0) throw new HomeportError('FILE_CHANGED', `${item.from} on ${env.target.server} got shorter while it was being read.`, { hint: 'Download it again once nothing writes to it.' })
            got += n
          }
          await local.write(buf, 0, len, pos).catch((err: unknown) => {
            throw localError(err, item.to, 'write')
          })
        },
      )
      const now = await checking
      if (now.size !== item.size || now.mtime !== state.mtime) {
        // Changed since it was planned, or since the connection dropped: start it over.
        item.size = now.size
        state.offset = 0
        state.mtime = now.mtime
        return 'again'
      }
      const written = await local.stat()
      if (written.size !== item.size) throw new HomeportError('INTERNAL', `${item.to} arrived with ${written.size} bytes instead of ${item.size}.`, { hint: 'Download it again.' })
      await local.chmod(item.mode)
      await local.utimes(item.atime, item.mtime)
      return 'done'
    } finally {
      await local.close()
    }
  } finally {
    void checking.catch(() => {})
    void fs.close(handle, item.from).catch(() => {})
  }
}

async function place(env: TransferEnv, item: PlanItem, temp: string): Promise<void> {
  if (env.verify === 'sha256') {
    const [there, here] = await Promise.all([serverSha256(env.target, await absolutePath(env.target, item.from), env.ctx.signal), localSha256(temp)])
    if (there !== here) throw new HomeportError('INTERNAL', `${item.to} arrived with another sha256 than ${item.from} (${here} instead of ${there}).`, { hint: 'Download it again.' })
    env.counts.verified++
  }
  await rename(temp, item.to).catch((err: unknown) => {
    throw localError(err, item.to, 'write')
  })
}

export async function getFile(env: TransferEnv, item: PlanItem): Promise<void> {
  const temp = localTemp(item.to, env.token)
  const state: State = { offset: 0, moved: false }
  env.meter.fileStarted(item.to, item.to, item.size)
  try {
    await carryOn({ session: env.target.session, signal: env.ctx.signal, log: env.ctx.log }, item.from, async (sftp: SFTPWrapper) => {
      for (let tries = 1; (await fetchBytes(env, item, new RemoteFs(sftp, env.target.server), temp, state)) === 'again'; tries++) {
        if (tries >= 3) throw new HomeportError('FILE_CHANGED', `${item.from} on ${env.target.server} kept changing while it was being read.`, { hint: 'Download it again once nothing writes to it.' })
      }
    }, () => {
      env.counts.resumed++
      const moved = state.moved
      state.moved = false
      return moved
    })
    await place(env, item, temp)
    env.meter.fileDone(item.to, item.size)
  } catch (err) {
    env.meter.fileDropped(item.to)
    await unlink(temp).catch(() => {})
    throw err
  }
}
