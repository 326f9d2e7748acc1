// The control socket of a running Homeport: the CLI's calls go through the same dispatch as the window's
// and the web host's, on the connections this process already holds (as OpenSSH's ControlMaster lets a
// second `ssh` ride on the first one's connection). Nothing a call carries is logged: `servers.add` may
// hold a password.

import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import type { EventMap, EventName } from '../../../shared/contract/index.js'
import type { WireMessage } from '../../../shared/bridge.js'
import { APP_VERSION } from './app-version.js'
import { CONTROL_PROTOCOL, MAX_CALL_BYTES, behindAtMost, controlDir, controlSocketPath, controlSupported, readLines, unsafeDirReason, type ControlHello } from './control-socket.js'
import type { Core } from './create-core.js'
import { createDispatch } from './dispatch.js'
import type { EventSink, Logger } from './types.js'

/** A client that stops reading its events is dropped rather than buffered without end. */
const MAX_BUFFERED_EVENT_BYTES = 64 * 1024 * 1024
const PROBE_TIMEOUT_MS = 1000
/** How long a big stream waits for one client that is behind: a CLI whose reader stopped (a paused pager)
 * slows the window's stream by this much a page, and is dropped once it is MAX_BUFFERED_EVENT_BYTES behind. */
const PACE_WAIT_MS = 2000

export type ServedCore = Pick<Core, 'handlers' | 'forgetClient'>

export interface ControlServer {
  /** The socket's path, whether or not this process ended up listening on it. */
  readonly path: string
  /** Route the core's events here as well (besides the window or the web host's sockets). */
  readonly events: EventSink
  /** Starts answering with this core. Never fails: without a socket the app runs on, and the CLI connects itself. */
  serve<C extends ServedCore>(core: C): Promise<C>
  close(): Promise<void>
}

/** Resolves true when something answers on `socketPath` (another Homeport), false when nothing does. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath)
    const done = (live: boolean) => {
      clearTimeout(timer)
      probe.destroy()
      resolve(live)
    }
    // A process that accepts but hangs still owns the socket: leave it alone.
    const timer = setTimeout(() => done(true), PROBE_TIMEOUT_MS)
    probe.once('connect', () => done(true))
    probe.once('error', () => done(false))
  })
}

function listen(server: net.Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(socketPath, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

export function createControlServer(opts: { dataDir: string; log?: Logger; paceWaitMs?: number }): ControlServer {
  const socketPath = controlSocketPath(opts.dataDir)
  const clients = new Set<net.Socket>()
  let server: net.Server | undefined
  let ownInode: number | undefined

  // A result is sent whatever its size (a long log was asked for); events pile up only while a client reads.
  const send = (socket: net.Socket, message: WireMessage | ControlHello): void => {
    if (!socket.destroyed) socket.write(JSON.stringify(message) + '\n')
  }

  const events: EventSink = {
    emit<E extends EventName>(event: E, payload: EventMap[E]) {
      for (const socket of clients) {
        if (socket.writableLength > MAX_BUFFERED_EVENT_BYTES) socket.destroy()
        else send(socket, { type: 'event', event, payload })
      }
    },
    // A big log goes out page by page at the pace of the slowest client still reading (the CLI reads only as
    // fast as its own output is taken).
    async drained() {
      await Promise.all([...clients].map((socket) => behindAtMost(socket, undefined, opts.paceWaitMs ?? PACE_WAIT_MS)))
    },
  }

  async function prepare(): Promise<boolean> {
    const dir = controlDir(opts.dataDir)
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 })
    try {
      fs.mkdirSync(dir, { mode: 0o700 })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const unsafe = unsafeDirReason(dir, { allowLoose: true })
    if (unsafe) throw new Error(unsafe)
    // Ours but opened up (by hand, or an old umask): close it again rather than serve through it.
    fs.chmodSync(dir, 0o700)
    if (!fs.existsSync(socketPath)) return true
    if (await answers(socketPath)) {
      opts.log?.info('Another Homeport already answers the CLI on this data folder; this one does not.', { socket: socketPath })
      return false
    }
    // Left by a process that crashed: nobody answers on it.
    fs.rmSync(socketPath, { force: true })
    return true
  }

  async function start(core: ServedCore): Promise<void> {
    if (!(await prepare())) return
    const dispatch = createDispatch(core.handlers)
    const created = net.createServer((socket) => {
      const clientId = `control-${randomUUID()}`
      clients.add(socket)
      socket.on('error', () => socket.destroy())
      socket.on('close', () => {
        clients.delete(socket)
        void Promise.resolve(core.forgetClient(clientId)).catch((err: unknown) => opts.log?.warn('control socket: forgetting a client failed', { error: String(err) }))
      })
      readLines(socket, (line) => void answer(socket, clientId, line), MAX_CALL_BYTES)
      send(socket, { type: 'hello', protocol: CONTROL_PROTOCOL, pid: process.pid, version: APP_VERSION })
    })

    async function answer(socket: net.Socket, clientId: string, line: string): Promise<void> {
      let call: { type?: unknown; id?: unknown; method?: unknown; input?: unknown } | undefined
      try {
        call = JSON.parse(line) as typeof call
      } catch {
        call = undefined
      }
      // Without an id there is nobody to answer: a client speaking another protocol is dropped.
      if (!call || call.type !== 'call' || typeof call.id !== 'number' || !Number.isSafeInteger(call.id)) return void socket.destroy()
      const id = call.id
      const result = await dispatch(call.method, call.input, { clientId })
      try {
        send(socket, { type: 'result', id, result })
      } catch (err) {
        const error = { code: 'INTERNAL' as const, message: `The result of ${String(call.method)} could not be sent.`, hint: 'Report this with the details.', details: String(err) }
        send(socket, { type: 'result', id, result: { ok: false, error } })
      }
    }

    try {
      await listen(created, socketPath)
    } catch (err) {
      // Two Homeports starting at once: the loser steps aside if the winner answers, else takes the socket.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || (await answers(socketPath))) throw err
      fs.rmSync(socketPath, { force: true })
      await listen(created, socketPath)
    }
    fs.chmodSync(socketPath, 0o600)
    ownInode = fs.statSync(socketPath).ino
    server = created
    opts.log?.info('The CLI can reach this Homeport on its control socket.', { socket: socketPath })
  }

  return {
    path: socketPath,
    events,
    async serve(core) {
      if (!controlSupported()) return core
      try {
        await start(core)
      } catch (err) {
        opts.log?.warn('The control socket is not available; the CLI will use its own connections.', { socket: socketPath, error: err instanceof Error ? err.message : String(err) })
      }
      return core
    },
    async close() {
      const closing = server
      server = undefined
      if (!closing) return
      for (const socket of clients) socket.destroy()
      await new Promise<void>((resolve) => closing.close(() => resolve()))
      // Only our own socket: a successor may already have replaced it.
      try {
        if (fs.statSync(socketPath).ino === ownInode) fs.rmSync(socketPath, { force: true })
      } catch {
        // already gone
      }
    },
  }
}

/**
 * One sink that feeds several: the core's events go to the window (or web sockets) and to the CLI alike. A big
 * stream paces on every sink that can tell when it has sent its backlog: without that, a window that reads
 * slower than the server sends would have the whole stream queued in this process.
 */
export function fanOutEvents(...sinks: EventSink[]): EventSink {
  const pacing = sinks.filter((sink) => sink.drained)
  return {
    emit: (event, payload) => sinks.forEach((sink) => sink.emit(event, payload)),
    ...(pacing.length ? { drained: async () => void (await Promise.all(pacing.map((sink) => sink.drained!()))) } : {}),
  }
}
