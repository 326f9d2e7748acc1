// An http.Agent whose "sockets" are SSH channels: stream-local forwards to the server's Docker socket, or
// `docker system dial-stdio` exec channels where sshd forbids stream-local forwarding. Kept alive and reused,
// so a Docker call costs one request on an open channel instead of a new SSH handshake.

import http from 'node:http'
import { inspect } from 'node:util'
import type { Duplex } from 'node:stream'
import { HomeportError } from '../../../shared/errors.js'
import { recordRequest } from '../connection/round-trips.js'

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
function decorateChannel<T extends Duplex>(channel: T): T {
  const socketLike = channel as unknown as Record<string, unknown>
  for (const name of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref'] as const) {
    if (typeof socketLike[name] !== 'function') socketLike[name] = noop
  }
  if (typeof socketLike['destroySoon'] !== 'function') socketLike['destroySoon'] = channel.destroy.bind(channel)
  return channel
}

/**
 * When the SSH connection dies, ssh2 ends each channel with a plain EOF, and Node's http client then only marks
 * an unfinished response "aborted" (no 'error' on the request); docker-modem waits for 'end' or a request
 * error, so a buffered call such as a long `logs` would never settle. A response that declared its framing
 * (Content-Length or chunked) and is cut short by EOF is therefore failed with an error on the channel, which
 * Node passes to the request. Responses delimited by EOF itself are left alone.
 */
function failTruncatedResponse(channel: Duplex): void {
  const request = (channel as Duplex & { _httpMessage?: http.ClientRequest & { res?: http.IncomingMessage } })._httpMessage
  const response = request?.res
  if (!response || response.complete) return
  const framed = response.headers['content-length'] !== undefined || /chunked/i.test(String(response.headers['transfer-encoding'] ?? ''))
  // An upgraded (hijacked) stream is no longer the request's; with no listener, an 'error' would be thrown.
  if (!framed || channel.listenerCount('error') === 0) return
  // Emitted rather than passed to destroy(): ssh2's Channel.destroy() takes no error and would drop it. Node's
  // http client hands a socket 'error' to the request and tears the socket down itself.
  channel.emit(
    'error',
    new HomeportError('CONNECTION_LOST', 'The connection to the server closed before the Docker engine finished its answer.', {
      hint: 'Try again once the server is reachable; Homeport reconnects by itself.',
    }),
  )
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

  // Every Docker API call passes here, whoever makes it (dockerode through docker-access, the event watch).
  addRequest(request: http.ClientRequest, options: http.RequestOptions): void {
    const answered = recordRequest('docker', `${request.method} ${request.path.split('?')[0]}`)
    request.once('response', answered)
    request.once('close', answered)
    ;(http.Agent.prototype as unknown as { addRequest(r: http.ClientRequest, o: http.RequestOptions): void }).addRequest.call(this, request, options)
  }

  // Must hand the channel to the callback and return undefined: a returned value is taken as the socket
  // itself, and returning anything but the channel makes the request hang forever.
  override createConnection(
    _options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    this.openChannel().then(
      (channel) => {
        // Registered before http's own 'end' handler, so the request still owns the channel when this runs.
        channel.prependListener('end', () => failTruncatedResponse(channel))
        callback?.(null, decorateChannel(channel))
      },
      (err: unknown) => callback?.(err instanceof Error ? err : new Error(String(err)), undefined as unknown as Duplex),
    )
    return undefined
  }
}
