// A userspace TCP proxy that makes loopback look like a real link: every chunk, in both directions, is held
// for a one-way delay before it is passed on, in the order it came. This machine has no `netem` qdisc, so
// latency for tests and benchmarks is added here, in front of sshd. Half-closes and resets are delayed too,
// so an EOF never overtakes the data before it.

import { createServer, connect, type Server, type Socket } from 'node:net'

export interface LatencyProxy {
  /** Port on 127.0.0.1 that leads to the target after the delay. */
  readonly port: number
  /** One-way delay in ms (round trip = twice this); changes apply to chunks that arrive afterwards. */
  oneWayMs: number
  /** TCP connections accepted so far. */
  readonly connections: number
  /** Stops listening and cuts every connection through it. */
  close(): Promise<void>
}

export interface LatencyProxyOptions {
  targetPort: number
  targetHost?: string
  oneWayMs: number
}

type Item = { due: number; chunk?: Buffer; end?: true; destroy?: true }

/** One direction of one connection: chunks wait in a queue and go out in order once their time has come. */
function delayedPipe(from: Socket, to: Socket, delayOf: () => number): void {
  const queue: Item[] = []
  let timer: NodeJS.Timeout | undefined
  const flush = () => {
    timer = undefined
    const now = performance.now()
    while (queue.length && queue[0].due <= now) {
      const item = queue.shift() as Item
      if (item.chunk) {
        // Backpressure: a slow reader on the far side holds the sender instead of growing the queue.
        if (!to.write(item.chunk)) {
          from.pause()
          to.once('drain', () => from.resume())
        }
      } else if (item.end) to.end()
      else if (item.destroy) to.destroy()
    }
    if (queue.length) timer = setTimeout(flush, Math.max(0, queue[0].due - performance.now()))
  }
  const push = (item: Omit<Item, 'due'>) => {
    // Never earlier than the item before it, so a shortened delay cannot reorder the stream.
    const last = queue.length ? queue[queue.length - 1].due : 0
    queue.push({ ...item, due: Math.max(performance.now() + delayOf(), last) })
    if (!timer) timer = setTimeout(flush, Math.max(0, queue[0].due - performance.now()))
  }
  from.on('data', (chunk: Buffer) => push({ chunk }))
  from.on('end', () => push({ end: true }))
  from.on('error', () => push({ destroy: true }))
  from.on('close', (hadError) => {
    if (hadError) push({ destroy: true })
  })
}

export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const sockets = new Set<Socket>()
  const state = { oneWayMs: options.oneWayMs, connections: 0 }
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    state.connections++
    const upstream = connect({ host: options.targetHost ?? '127.0.0.1', port: options.targetPort, allowHalfOpen: true, noDelay: true })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
    }
    delayedPipe(client, upstream, () => state.oneWayMs)
    delayedPipe(upstream, client, () => state.oneWayMs)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the latency proxy did not get a port')
  return {
    port: address.port,
    get oneWayMs() {
      return state.oneWayMs
    },
    set oneWayMs(ms: number) {
      state.oneWayMs = ms
    },
    get connections() {
      return state.connections
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
