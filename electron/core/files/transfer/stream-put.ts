// A big file's bytes up one exec channel (`cat >> TEMP`) instead of SFTP write requests: a plain channel
// streams without a request and a status per 255 KiB, as downloads do with `tail`. SFTP has created the
// temporary file (mode 0600) and still sets its mode and times after; it stays the way for servers that run
// no commands. The path reaches the shell as a positional argument, never as shell text.

import type { FileHandle } from 'node:fs/promises'
import type { ClientChannel } from 'ssh2'
import { HomeportError } from '../../../../shared/errors.js'
import { fileSender } from '../../connection/channel-file-send.js'
import { coalesceSends, writeTogether } from '../../connection/channel-window.js'
import { channelExit } from '../../connection/exec.js'
import { localError } from './local-errors.js'
import { openStream, streamExitError, type StreamExit, type StreamState } from './stream-get.js'
import type { TransferEnv } from './transfer-env.js'

/** Local reads of this size, AHEAD of them in flight before the channel: one read late (a busy machine's
 * thread pool) then does not leave the channel idle. */
const BLOCK = 1024 * 1024
const AHEAD = 4
// `>>`: appending is what resuming needs, and the file holds a prefix of what was sent whatever happens.
const APPEND_SCRIPT = 'exec cat >> "$1"'

const fileChanged = (localName: string): HomeportError =>
  new HomeportError('FILE_CHANGED', `${localName} changed on this computer while it was being sent.`, { hint: 'Send it again once nothing writes to it.' })

function readBlock(local: FileHandle, localName: string, pos: number, size: number): Promise<Buffer> {
  const len = Math.min(BLOCK, size - pos)
  const read = local.read(Buffer.allocUnsafe(len), 0, len, pos).then(
    ({ bytesRead, buffer }) => {
      if (bytesRead !== len) throw fileChanged(localName)
      return buffer
    },
    (err: unknown) => {
      throw localError(err, localName, 'read')
    },
  )
  read.catch(() => {})
  return read
}

/** Resolves on the channel's next 'drain', or at once when it has closed. */
function drained(channel: ClientChannel, isClosed: () => boolean): Promise<void> {
  if (isClosed()) return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      channel.off('drain', done)
      channel.off('close', done)
      resolve()
    }
    channel.on('drain', done)
    channel.on('close', done)
  })
}

/**
 * Appends the local file's bytes from `state.offset` to `size` to the server's file `absolute`, which must be
 * exactly `state.offset` bytes long. `state.offset` moves as bytes are handed to the channel, so after a drop
 * it may run ahead of the file: the caller resumes from the smaller of the two. Resolves false when the
 * server offers no exec channel (the caller writes over SFTP instead).
 */
export async function streamUp(env: TransferEnv, absolute: string, shownAs: string, local: FileHandle, localName: string, size: number, state: StreamState, onBytes: (done: number) => void): Promise<boolean> {
  const channel = await openStream(env, ['env', 'LC_ALL=C', 'sh', '-c', APPEND_SCRIPT, 'sh', absolute])
  if (!channel) return false
  const signal = env.ctx.signal
  let stderr = ''
  let closed = false
  let exit: StreamExit | undefined
  // The exit comes from where it was caught as the channel opened: it can be dispatched before this listens.
  const ended = channelExit(channel).then((how) => {
    closed = true
    return how
  })
  channel.on('error', () => {})
  channel.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4096)))
  // Nothing is expected on stdout, but it must flow: an unread channel never reports its close.
  channel.resume()
  const onAbort = (): void => void channel.close()
  if (signal.aborted) onAbort()
  else signal.addEventListener('abort', onAbort, { once: true })
  try {
    const send = fileSender(channel)
    const sent = (pos: number): void => {
      state.offset = pos
      state.moved = true
      onBytes(pos)
    }
    if (send) await send(local, state.offset, size, { onSent: sent, readError: (err) => localError(err, localName, 'read'), shortRead: () => fileChanged(localName) })
    else await writeInTurn(channel, local, localName, state.offset, size, sent, () => closed)
    if (!closed) channel.end()
    exit = await ended
  } catch (err) {
    channel.close()
    throw err
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
  signal.throwIfAborted()
  const endedWith = streamExitError(exit ?? {}, 'cat', shownAs, stderr, env.target.server, 'write')
  if (endedWith) throw endedWith
  if (state.offset !== size) throw new HomeportError('CONNECTION_LOST', `The connection dropped while ${shownAs} was being sent.`)
  return true
}

/** Through ssh2's public path: blocks read AHEAD and written to the channel, its packets leaving together. */
export async function writeInTurn(channel: ClientChannel, local: FileHandle, localName: string, from: number, size: number, sent: (pos: number) => void, isClosed: () => boolean): Promise<void> {
  const stopCoalescing = coalesceSends(channel)
  try {
    let pos = from
    let readPos = pos
    const reads: Promise<Buffer>[] = []
    const readMore = (): void => {
      while (reads.length < AHEAD && readPos < size) {
        reads.push(readBlock(local, localName, readPos, size))
        readPos += Math.min(BLOCK, size - readPos)
      }
    }
    readMore()
    while (reads.length > 0 && !isClosed()) {
      const buf = await reads.shift()!
      pos += buf.length
      readMore()
      if (isClosed()) break
      const flowing = writeTogether(channel, buf)
      sent(pos)
      if (!flowing) await drained(channel, isClosed)
    }
  } finally {
    stopCoalescing()
  }
}
