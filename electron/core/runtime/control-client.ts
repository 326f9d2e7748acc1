// The CLI's end of the control socket (control-server.ts): calls and events as the window sees them, carried
// to a running Homeport. Finding nobody there is normal, so every failure to connect is a quiet `undefined`
// (with the reason for --verbose); only a Homeport that goes away mid-call is an error.

import net from 'node:net'
import type { EventMap, EventName, MethodName } from '../../../shared/contract/index.js'
import type { HomeportBridge, WireMessage, WireRequest } from '../../../shared/bridge.js'
import type { ErrorInfo, Result } from '../../../shared/errors.js'
import { CONTROL_PROTOCOL, PACE_BYTES, behindAtMost, controlDir, controlSocketPath, controlSupported, readLines, unsafeDirReason, type Backlogged, type ControlHello } from './control-socket.js'

export interface ControlClient extends HomeportBridge {
  /** The answering Homeport's process id and version. */
  readonly pid: number
  readonly version: string
  close(): void
}

export interface ConnectControlOptions {
  /** How long connecting and the hello may take; a Homeport that does not answer by then is passed over. */
  timeoutMs?: number
  /** Told why no running Homeport was used. */
  onSkip?: (reason: string) => void
  /** Where the events end up (the CLI's stdout): while it is behind, the socket is not read, so the running
   * Homeport waits too instead of the events piling up in this process. */
  paceOn?: Backlogged
}

const GONE: ErrorInfo = {
  code: 'CONNECTION_LOST',
  message: 'The running Homeport closed the control socket before it answered.',
  hint: 'Run the command again: when no Homeport is running, the command connects by itself.',
}

function client(socket: net.Socket, hello: ControlHello, pending: Map<number, (result: Result<unknown>) => void>, paceOn?: Backlogged): ControlClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let nextId = 1
  // Paused only while no call waits for its answer: the answer comes on the same socket, behind the events
  // (a `logsStop` after Ctrl-C must not wait for a pager to be read).
  let paused = false
  const resume = (): void => {
    if (!paused) return
    paused = false
    socket.resume()
  }
  const pace = (): void => {
    if (!paceOn || paused || pending.size > 0 || paceOn.writableLength <= PACE_BYTES) return
    paused = true
    socket.pause()
    void behindAtMost(paceOn).then(resume)
  }
  readLines(socket, (line) => {
    let message: WireMessage
    try {
      message = JSON.parse(line) as WireMessage
    } catch {
      return void socket.destroy()
    }
    if (message.type === 'result') {
      pending.get(message.id)?.(message.result)
      pending.delete(message.id)
    } else if (message.type === 'event') {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload)
      pace()
    }
  })
  return {
    pid: hello.pid,
    version: hello.version,
    invoke(method, input) {
      if (socket.destroyed) return Promise.resolve({ ok: false, error: GONE })
      const id = nextId++
      const request: WireRequest = { type: 'call', id, method: method satisfies MethodName, input }
      return new Promise((resolve) => {
        pending.set(id, resolve as (result: Result<unknown>) => void)
        resume()
        socket.write(JSON.stringify(request) + '\n')
      })
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      const untyped = listener as (payload: unknown) => void
      set.add(untyped)
      return () => void set.delete(untyped)
    },
    close: () => socket.end(),
  }
}

/** Connects to the Homeport running on `dataDir`, or resolves undefined when none answers in time. */
export function connectControl(dataDir: string, opts: ConnectControlOptions = {}): Promise<ControlClient | undefined> {
  const skip = (reason: string) => {
    opts.onSkip?.(reason)
    return undefined
  }
  if (!controlSupported()) return Promise.resolve(skip('no control socket on this platform'))
  // Never hand a call to a socket someone else could have put there.
  const unsafe = unsafeDirReason(controlDir(dataDir))
  if (unsafe) return Promise.resolve(skip(unsafe))
  return new Promise((resolve) => {
    const socket = net.connect(controlSocketPath(dataDir))
    const pending = new Map<number, (result: Result<unknown>) => void>()
    let settled = false
    const finish = (value: ControlClient | undefined, reason?: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.off('data', onHello)
      if (!value) {
        socket.destroy()
        skip(reason ?? 'no running Homeport')
      }
      resolve(value)
    }
    const timer = setTimeout(() => finish(undefined, 'the running Homeport did not answer in time'), opts.timeoutMs ?? 500)
    let greeting = ''
    const onHello = (chunk: Buffer) => {
      greeting += chunk.toString('utf8')
      const newline = greeting.indexOf('\n')
      if (newline === -1) return
      let hello: ControlHello | undefined
      try {
        hello = JSON.parse(greeting.slice(0, newline)) as ControlHello
      } catch {
        hello = undefined
      }
      if (hello?.type !== 'hello' || hello.protocol !== CONTROL_PROTOCOL) return finish(undefined, 'the running Homeport speaks another protocol')
      // Anything after the hello (an early event) belongs to the client's own reader.
      const rest = greeting.slice(newline + 1)
      const ready = client(socket, hello, pending, opts.paceOn)
      finish(ready)
      if (rest) socket.emit('data', Buffer.from(rest))
    }
    socket.on('data', onHello)
    socket.once('error', (err: NodeJS.ErrnoException) => finish(undefined, err.code === 'ENOENT' ? 'no running Homeport' : `the control socket refused: ${err.code ?? err.message}`))
    socket.on('close', () => {
      for (const resolveCall of pending.values()) resolveCall({ ok: false, error: GONE })
      pending.clear()
      finish(undefined, 'the running Homeport closed the control socket')
    })
    socket.on('error', () => {})
  })
}
