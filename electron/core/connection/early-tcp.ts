// The TCP connection to a server, opened before the SSH engine (ssh2 and the modules around it) has loaded,
// so the connect and the server's greeting travel while this process is still reading code. Only node:net
// here and in receive-socket.ts: this module is loaded ahead of the engine. A socket that fails or that nobody
// takes is dropped, and the session then connects as it always does, meeting (and reporting) the same
// failure itself.

import type { Socket } from 'node:net'
import { connectReceiving } from './receive-socket.js'

/** Long enough for the engine to load on a busy machine; a socket left longer is closed. */
const UNCLAIMED_MS = 15_000

interface Early {
  socket: Socket
  /** Ends the wait: the socket is either handed over or dropped. */
  stopWaiting(): void
}

const waiting = new Map<string, Early>()

function keyOf(host: string, port: number): string {
  return `${host}:${port}`
}

/** Starts connecting to host:port for a session that will take the socket with `takeEarlyTcp`. */
export function openEarlyTcp(host: string, port: number): void {
  const key = keyOf(host, port)
  if (waiting.has(key)) return
  const socket = connectReceiving(host, port)
  const early: Early = {
    socket,
    stopWaiting: () => {
      clearTimeout(timer)
      socket.off('error', drop)
      socket.off('close', drop)
      if (waiting.get(key) === early) waiting.delete(key)
    },
  }
  function drop(): void {
    early.stopWaiting()
    socket.destroy()
  }
  const timer = setTimeout(drop, UNCLAIMED_MS).unref()
  // Nobody may have to wait for a socket that nobody took.
  socket.unref()
  // Until a session takes it, a failure only means there is nothing to take.
  socket.once('error', drop)
  socket.once('close', drop)
  waiting.set(key, early)
}

/**
 * The socket opened early for host:port, if it is still connecting or connected. It is the caller's from
 * now on, and without an 'error' listener: hand it to ssh2 before anything else runs.
 */
export function takeEarlyTcp(host: string, port: number): Socket | undefined {
  const early = waiting.get(keyOf(host, port))
  if (!early) return undefined
  early.stopWaiting()
  if (early.socket.destroyed) return undefined
  return early.socket.ref()
}
