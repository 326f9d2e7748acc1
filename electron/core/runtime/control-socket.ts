// Where a running Homeport (the desktop app or the web host) answers the CLI, and the rules both ends
// check: a unix socket in `<data dir>/control/`, a directory only its owner may enter. Node has no
// peer-credential call, so that directory is the guard: connect(2) needs search permission on it, which
// mode 0700 gives to nobody else (root aside). The socket itself is 0600 as well.
//
// The protocol is the web host's (shared/bridge.ts), one JSON object per line: the server first sends a
// hello, then answers `{type:'call',id,method,input}` with `{type:'result',id,result}` and pushes every core
// event as `{type:'event',event,payload}`.

import fs from 'node:fs'
import path from 'node:path'
import type { Socket } from 'node:net'

export const CONTROL_PROTOCOL = 1
export const CONTROL_DIR = 'control'
export const CONTROL_SOCKET = 'homeport.sock'
/** What the server accepts as one call: calls are small; a line this long is not one. */
export const MAX_CALL_BYTES = 16 * 1024 * 1024

export interface ControlHello {
  type: 'hello'
  protocol: number
  pid: number
  version: string
}

export function controlDir(dataDir: string): string {
  return path.join(dataDir, CONTROL_DIR)
}

export function controlSocketPath(dataDir: string): string {
  return path.join(controlDir(dataDir), CONTROL_SOCKET)
}

/** Windows has no unix-socket permissions to rely on: there the CLI always uses its own connection. */
export function controlSupported(): boolean {
  return process.platform !== 'win32' && typeof process.getuid === 'function'
}

/** Why `dir` may not hold the control socket (not ours, a link, open to others), or undefined when it may. */
export function unsafeDirReason(dir: string, opts: { allowLoose?: boolean } = {}): string | undefined {
  let info: fs.Stats
  try {
    info = fs.lstatSync(dir)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? `no running Homeport (${dir} does not exist)` : `${dir} cannot be read: ${(err as Error).message}`
  }
  if (!info.isDirectory()) return `${dir} is not a directory`
  if (info.uid !== process.getuid!()) return `${dir} belongs to another user`
  if (!opts.allowLoose && (info.mode & 0o077) !== 0) return `${dir} is open to other users (mode ${(info.mode & 0o777).toString(8)})`
  return undefined
}

/** Calls `onLine` with each complete line (without the newline); a line over `maxBytes` ends the socket. */
export function readLines(socket: Socket, onLine: (line: string) => void, maxBytes = Number.POSITIVE_INFINITY): void {
  let pending: Buffer[] = []
  let pendingBytes = 0
  socket.on('data', (chunk: Buffer) => {
    let start = 0
    let newline = chunk.indexOf(10)
    while (newline !== -1) {
      pending.push(chunk.subarray(start, newline))
      const line = Buffer.concat(pending).toString('utf8')
      pending = []
      pendingBytes = 0
      onLine(line)
      start = newline + 1
      newline = chunk.indexOf(10, start)
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start))
      pendingBytes += chunk.length - start
      if (pendingBytes > maxBytes) socket.destroy(new Error(`a control message exceeded ${maxBytes} bytes`))
    }
  })
}

/** Bytes a reader may be behind before whoever feeds it waits (a page of a big log, and some). */
export const PACE_BYTES = 1024 * 1024

/** A stream that queues what it cannot pass on yet: a socket, or the CLI's stdout on a pipe. */
export interface Backlogged {
  readonly writableLength: number
  readonly destroyed: boolean
  once(event: 'drain' | 'close', listener: () => void): unknown
  off(event: 'drain' | 'close', listener: () => void): unknown
}

/**
 * Resolves once `stream` holds at most `bytes` unsent, or has closed; with `maxWaitMs`, after that long at
 * the latest (a reader that stopped for good must not hold everyone else's stream).
 */
export function behindAtMost(stream: Backlogged, bytes = PACE_BYTES, maxWaitMs?: number): Promise<void> {
  if (stream.destroyed || stream.writableLength <= bytes) return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      if (!stream.destroyed && stream.writableLength > bytes && !timedOut) return void stream.once('drain', done)
      clearTimeout(timer)
      stream.off('drain', done)
      stream.off('close', done)
      resolve()
    }
    let timedOut = false
    const timer = maxWaitMs === undefined ? undefined : setTimeout(() => ((timedOut = true), done()), maxWaitMs)
    stream.once('drain', done)
    stream.once('close', done)
  })
}
