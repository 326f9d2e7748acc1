// An http.Agent whose "sockets" are SSH channels: stream-local forwards to the server's Docker socket, or
// `docker system dial-stdio` exec channels where sshd forbids stream-local forwarding. Kept alive and reused,
// so a Docker call costs one request on an open channel instead of a new SSH handshake.

import http from 'node:http'
import { inspect } from 'node:util'
import type { Duplex } from 'node:stream'

export type ChannelOpener = () => Promise<Duplex>

export interface TunnelAgentOptions {
  /** Concurrent channels. Exec channels count against sshd's MaxSessions (default 10); forwards do not. */
  maxSockets?: number
  maxFreeSockets?: number
}

function noop(): void {}

/**
 * http.Agent calls setKeepAlive/setNoDelay/setTimeout/ref/unref on every socket it pools; an ssh2 channel has
 * none of them, and without these no-ops keep-alive throws uncaught (ssh2's lib/http-agents.js does the same).
 */
export function decorateChannel<T extends Duplex>(channel: T): T {
  const socketLike = channel as unknown as Record<string, unknown>
  for (const name of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref'] as const) {
    if (typeof socketLike[name] !== 'function') socketLike[name] = noop
  }
  if (typeof socketLike['destroySoon'] !== 'function') socketLike['destroySoon'] = channel.destroy.bind(channel)
  return channel
}

export class TunnelAgent extends http.Agent {
  private readonly openChannel: ChannelOpener

  constructor(openChannel: ChannelOpener, options: TunnelAgentOptions = {}) {
    super({ keepAlive: true, maxSockets: options.maxSockets ?? Infinity, maxFreeSockets: options.maxFreeSockets ?? 8 })
    this.openChannel = openChannel
  }

  // docker-modem logs every request with util.inspect(options, { showHidden: true, depth: null }), evaluated
  // even when debug output is off. `options.agent` is this agent, whose pooled channels lead into the whole
  // ssh2 client; walking that graph took ~1 ms a call, more than the request itself. A short label ends the walk.
  [inspect.custom](): string {
    return `TunnelAgent { sockets: ${Object.keys(this.sockets).length}, free: ${Object.keys(this.freeSockets).length} }`
  }

  // Must hand the channel to the callback and return undefined: a returned value is taken as the socket
  // itself, and returning anything but the channel makes the request hang forever.
  override createConnection(
    _options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    this.openChannel().then(
      (channel) => callback?.(null, decorateChannel(channel)),
      (err: unknown) => callback?.(err instanceof Error ? err : new Error(String(err)), undefined as unknown as Duplex),
    )
    return undefined
  }
}
