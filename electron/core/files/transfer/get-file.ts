// One file down: pipelined reads into a temporary name beside the local destination, then mode and times,
// a size check (and sha256 on both ends when asked), and the rename into place. A dropped connection resumes
// from the last byte written here without a gap; a source that changed meanwhile starts over.

import { chmod, open, rename, stat, unlink, utimes } from 'node:fs/promises'
import type { SFTPWrapper } from 'ssh2'
import { HomeportError } from '../../../../shared/errors.js'
import { sftpCall } from '../../connection/sftp.js'
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
import { FILE_DEPTH, type TransferEnv } from './transfer-env.js'
import type { PlanItem } from './transfer-plan.js'

interface State {
  offset: number
  moved: boolean
  mtime?: number
}

async function fetchBytes(env: TransferEnv, item: PlanItem, fs: RemoteFs, temp: string, state: State): Promise<void> {
  const handle = await fs.open(item.from, 'r')
  try {
    const now = await fs.fstat(handle, item.from)
    if (now.size !== item.size || (state.mtime !== undefined && now.mtime !== state.mtime)) {
      // Changed since it was planned or since the drop: what is here no longer matches it.
      state.offset = 0
      item.size = now.size
    }
    state.mtime = now.mtime
    const local = await open(temp, state.offset > 0 ? 'r+' : 'w', 0o600).catch((err: unknown) => {
      throw localError(err, item.to, 'write')
    })
    try {
      env.meter.fileStarted(item.to, item.to, item.size, state.offset)
      const { sftp } = fs
      await pipeChunks(
        { from: state.offset, size: item.size, chunk: requestSize(sftp, 'read'), depth: FILE_DEPTH, window: env.window, signal: env.ctx.signal, onProgress: (done, prefix) => {
          state.offset = prefix
          state.moved = true
          env.meter.fileBytes(item.to, done)
        } },
        async (pos, len) => {
          const buf = Buffer.allocUnsafe(len)
          for (let got = 0; got < len; ) {
            const n = await sftpCall<number>((cb) => sftp.read(handle, buf, got, len - got, pos + got, (err, bytes) => cb(err, bytes))).catch((err: unknown) => {
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
    } finally {
      await local.close()
    }
  } finally {
    await fs.close(handle, item.from).catch(() => {})
  }
}

async function checkAndPlace(env: TransferEnv, item: PlanItem, temp: string): Promise<void> {
  const written = await stat(temp)
  if (written.size !== item.size) {
    throw new HomeportError('INTERNAL', `${item.to} arrived with ${written.size} bytes instead of ${item.size}.`, { hint: 'Download it again.' })
  }
  if (env.verify === 'sha256') {
    const [there, here] = await Promise.all([serverSha256(env.target, await absolutePath(env.target, item.from), env.ctx.signal), localSha256(temp)])
    if (there !== here) throw new HomeportError('INTERNAL', `${item.to} arrived with another sha256 than ${item.from} (${here} instead of ${there}).`, { hint: 'Download it again.' })
    env.counts.verified++
  }
  try {
    await chmod(temp, item.mode)
    await utimes(temp, item.atime, item.mtime)
    await rename(temp, item.to)
  } catch (err) {
    throw localError(err, item.to, 'write')
  }
}

export async function getFile(env: TransferEnv, item: PlanItem): Promise<void> {
  const temp = localTemp(item.to, env.token)
  const state: State = { offset: 0, moved: false }
  env.meter.fileStarted(item.to, item.to, item.size)
  try {
    await carryOn({ session: env.target.session, signal: env.ctx.signal, log: env.ctx.log }, item.from, (sftp: SFTPWrapper) => fetchBytes(env, item, new RemoteFs(sftp, env.target.server), temp, state), () => {
      env.counts.resumed++
      const moved = state.moved
      state.moved = false
      return moved
    })
    await checkAndPlace(env, item, temp)
    env.meter.fileDone(item.to, item.size)
  } catch (err) {
    env.meter.fileDropped(item.to)
    await unlink(temp).catch(() => {})
    throw err
  }
}
