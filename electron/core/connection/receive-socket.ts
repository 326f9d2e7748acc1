// The TCP socket an SSH connection reads through. Node's own reads allocate a fresh 64 KiB buffer each; a
// big download made ~16,000 of them a GiB, and V8 answers that much new outside memory with a full garbage
// collection every few MiB (measured in a running core: ~30 mark-compacts a GiB, a fifth to a third of the
// thread). This socket reads into one reused 1 MiB buffer instead and hands each read on as a 'data' event:
// a copy, as Node would, unless `lendReads` says its listeners take the read buffer itself (they copy what
// they keep, see direct-receive.ts). Only node:net here: early-tcp.ts loads this ahead of the SSH engine.

import { connect, type Socket } from 'node:net'

const READ_BYTES = 1024 * 1024

interface Lender {
  lend(): boolean
  returned(view: Buffer): void
}

const lenders = new WeakMap<Socket, { lender?: Lender }>()

/**
 * Connects to host:port with Nagle off (every handshake message would wait for the one before's ack), paused:
 * its reader calls `resume` once it listens for 'data' (ssh2 does).
 */
export function connectReceiving(host: string, port: number): Socket {
  const buffer = Buffer.allocUnsafeSlow(READ_BYTES)
  const state: { lender?: Lender } = {}
  const socket: Socket = connect({
    host,
    port,
    noDelay: true,
    onread: {
      buffer,
      callback: (bytes: number, read: Uint8Array): boolean => {
        const view = Buffer.from(read.buffer, read.byteOffset, bytes)
        const lender = state.lender
        if (!lender?.lend()) {
          socket.emit('data', Buffer.from(view))
          return true
        }
        socket.emit('data', view)
        lender.returned(view)
        return true
      },
    },
  })
  // Paused until its reader resumes it: reads handed to 'data' with no listener yet (the server's greeting,
  // while the SSH engine still loads) would be lost, where Node's own reads wait in the stream.
  socket.pause()
  lenders.set(socket, state)
  return socket
}

/**
 * From now on, each read is handed to 'data' listeners as the read buffer itself whenever `lender.lend()`
 * returns true at that read; `lender.returned(view)` is called once they have returned, the last moment to
 * copy what they kept of it. False when `socket` is not one of `connectReceiving`'s.
 */
export function lendReads(socket: unknown, lender: Lender): boolean {
  const state = lenders.get(socket as Socket)
  if (!state) return false
  state.lender = lender
  return true
}
