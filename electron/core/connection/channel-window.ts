// A wider receive window for a channel that carries a big file. ssh2 offers the server 2 MiB and tops it up
// once half is used, so the server stops whenever this process is a moment late (a busy event loop, a
// descheduled thread on a loaded machine) and the stream runs at the pace of the slower side's worst moments.
// A few MiB more in flight lets both sides run on; memory stays bounded by the window. ssh2 has no option
// for it: its channel's own counters are used, and left alone when they are not what this expects.
// Sending a big file, packets go to the socket together rather than one write each (`writeTogether`,
// `coalesceSends`).

import type { ClientChannel } from 'ssh2'

interface ChannelInternals {
  incoming?: { window?: unknown }
  outgoing?: { id?: unknown; state?: unknown }
  _client?: { _protocol?: { channelWindowAdjust?: (id: number, amount: number) => void }; _sock?: Partial<CorkableSocket> }
}

interface CorkableSocket {
  cork(): void
  uncork(): void
  prependListener(event: 'data', listener: () => void): unknown
  off(event: 'data', listener: () => void): unknown
}

function socketOf(channel: ClientChannel): CorkableSocket | undefined {
  const sock = (channel as unknown as ChannelInternals)._client?._sock
  const usable = sock && (['cork', 'uncork', 'prependListener', 'off'] as const).every((m) => typeof sock[m] === 'function')
  return usable ? (sock as CorkableSocket) : undefined
}

/** Receive window for streamed files (measured on loopback: 8 MiB beat 2 MiB, 32 MiB gained nothing more). */
export const STREAM_WINDOW = 8 * 1024 * 1024

/**
 * Grants the server up to `size` bytes in flight on `channel`; call the returned function after each chunk
 * read (ssh2 has counted it by then) to top the window up again once half of it is used.
 */
export function widenWindow(channel: ClientChannel, size = STREAM_WINDOW): () => void {
  const c = channel as unknown as ChannelInternals
  const adjust = c._client?._protocol?.channelWindowAdjust?.bind(c._client._protocol)
  if (!adjust || typeof c.incoming?.window !== 'number' || typeof c.outgoing?.id !== 'number') return () => {}
  const incoming = c.incoming as { window: number }
  const outgoing = c.outgoing as { id: number; state?: unknown }
  const topUp = (): void => {
    if (outgoing.state !== 'open' || incoming.window >= size / 2) return
    const amount = size - incoming.window
    incoming.window += amount
    adjust(outgoing.id, amount)
  }
  topUp()
  return topUp
}

/**
 * Writes `data` to `channel` with the connection's socket corked: ssh2 hands the socket each 32 KiB packet as
 * a write of its own (a system call, and a wake-up of sshd, each); corked, the packets of one buffer leave in
 * one writev. Returns what `channel.write` returns.
 */
export function writeTogether(channel: ClientChannel, data: Buffer): boolean {
  const sock = socketOf(channel)
  if (!sock) return channel.write(data)
  sock.cork()
  try {
    return channel.write(data)
  } finally {
    sock.uncork()
  }
}

/**
 * While a big file is sent, most packets leave when the server's window adjust arrives, from inside ssh2's
 * reading of the socket: the connection's writes made while one read is handled then go out together, as
 * `writeTogether` does for the file's own writes. Returns the function that stops it.
 */
export function coalesceSends(channel: ClientChannel): () => void {
  const sock = socketOf(channel)
  if (!sock) return () => {}
  const uncork = (): void => sock.uncork()
  const onData = (): void => {
    sock.cork()
    process.nextTick(uncork)
  }
  sock.prependListener('data', onData)
  return () => void sock.off('data', onData)
}
