// A Dockerode whose HTTP connections are channels on the server's one SSH connection. Never dockerode's own
// `protocol: 'ssh'`: that opens a new SSH connection (handshake + remote docker CLI) for every request.

import Docker from 'dockerode'
import type { Duplex } from 'node:stream'
import type { ClientChannel } from 'ssh2'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import { waitForServer } from '../connection/wait-for-server.js'
import { DialStdioStream } from './dial-stdio-stream.js'
import type { DockerEndpoint } from './socket-discovery.js'
import { TunnelAgent } from './tunnel-agent.js'

export type DockerTransport = 'stream-local' | 'dial-stdio'

export interface DockerClient {
  docker: Docker
  agent: TunnelAgent
  transport: DockerTransport
  /** Socket path on the server, or `dial-stdio`. */
  socket: string
  /**
   * Opens channels ahead of a burst of requests, up to `count` unused ones with those the pool keeps, so each
   * request then costs its own round trip only. Stream-local only: exec channels are scarce (MaxSessions).
   */
  openChannels(count: number): Promise<void>
  destroy(): void
}

export interface DockerClientOptions {
  /** docker-modem's plain connect timer (its `timeout` would call setTimeout on the channel). */
  connectionTimeoutMs?: number
  serverName?: string
  /** How long a request waits for a lost connection to come back before it fails with the reason (20 s). */
  reconnectWaitMs?: number
}

// Exec channels count against sshd's MaxSessions (10 by default) together with SFTP and other execs.
const DIAL_STDIO_MAX_CHANNELS = 4

// OpenSSH answers a forbidden forward and an unconnectable socket the same way ("Channel open failure");
// the socket was already checked, so a refusal here means forwarding is off in sshd_config.
function isChannelOpenRefusal(err: unknown): boolean {
  // ssh2 puts the SSH open-failure code on `reason`; the session keeps it when it wraps the error.
  if (typeof (err as { reason?: unknown } | undefined)?.reason === 'number') return true
  if (err instanceof HomeportError) return false
  const message = err instanceof Error ? err.message : String(err)
  return /channel open fail|administratively prohibited|open failed|connect failed/i.test(message)
}

function dialStdioArgv(endpoint: DockerEndpoint): string[] {
  const host = endpoint.socket ? `unix://${endpoint.socket}` : endpoint.dockerHost
  return host ? ['docker', '-H', host, 'system', 'dial-stdio'] : ['docker', 'system', 'dial-stdio']
}

function buildDockerode(agent: TunnelAgent, socket: string, connectionTimeoutMs: number): Docker {
  // docker-modem merges the local process's DOCKER_HOST/DOCKER_CERT_PATH/DOCKER_CLIENT_TIMEOUT under these
  // options; name every one so a DOCKER_HOST=ssh://… on this computer cannot switch the transport.
  const options = {
    socketPath: socket,
    host: undefined,
    port: undefined,
    protocol: 'http' as const,
    ca: undefined,
    cert: undefined,
    key: undefined,
    timeout: undefined,
    agent,
    connectionTimeout: connectionTimeoutMs,
  }
  return new Docker(options as Docker.DockerOptions)
}

/**
 * Opens one stream-local channel to the socket first: it tells whether sshd allows forwarding and then serves
 * the first request, so choosing the transport costs no extra round trip.
 */
export async function createDockerClient(session: SshSession, endpoint: DockerEndpoint, options: DockerClientOptions = {}): Promise<DockerClient> {
  const serverName = options.serverName ?? session.serverId
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 15_000
  // Channels opened before a request asked for one: the transport's check, and openChannels'.
  const spares: Duplex[] = []
  let transport: DockerTransport = 'dial-stdio'

  if (endpoint.socket) {
    try {
      spares.push(await session.openStreamLocal(endpoint.socket))
      transport = 'stream-local'
    } catch (err) {
      if (!isChannelOpenRefusal(err)) throw err
      if (!endpoint.canDialStdio) {
        throw new HomeportError('DOCKER_DOWN', `The Docker socket ${endpoint.socket} on ${serverName} could not be reached.`, {
          hint: 'Start the engine on the server (`sudo systemctl start docker`); if it runs, allow forwarding with `AllowStreamLocalForwarding yes` in sshd_config.',
          details: err instanceof Error ? err.message : String(err),
          cause: err,
        })
      }
    }
  }

  // A channel asked for while the connection is gone waits for it only so long, then fails with why: a
  // request (an install's health poll, say) must not hang for the whole outage.
  const reachable = async () => {
    if (session.state !== 'ready') await waitForServer(session, Date.now() + (options.reconnectWaitMs ?? 20_000))
  }
  const openStreamLocal = async (): Promise<Duplex> => {
    for (let channel = spares.shift(); channel; channel = spares.shift()) {
      if (!channel.destroyed && channel.readable) return channel
    }
    await reachable()
    return session.openStreamLocal(endpoint.socket as string)
  }
  const argv = dialStdioArgv(endpoint)
  const openDialStdio = async (): Promise<Duplex> => {
    await reachable()
    const channel: ClientChannel = await session.execStream(argv, { loginShell: true })
    return new DialStdioStream(channel, serverName)
  }

  const agent =
    transport === 'stream-local'
      ? new TunnelAgent(openStreamLocal)
      : new TunnelAgent(openDialStdio, { maxSockets: DIAL_STDIO_MAX_CHANNELS, maxFreeSockets: DIAL_STDIO_MAX_CHANNELS })
  // The socket path only keys the agent's pool and fills the Host header; the channel decides where bytes go.
  const socket = transport === 'stream-local' ? (endpoint.socket as string) : 'dial-stdio'
  const docker = buildDockerode(agent, transport === 'stream-local' ? socket : '/homeport/dial-stdio', connectionTimeoutMs)

  // ssh2 closes a dead connection's channels only once their readable side is consumed, and an idle pooled
  // channel is never read: it would stay in the agent's free list and swallow the next request after a
  // reconnect. Drop every pooled channel as soon as the connection is lost.
  // Bumped on every drop: a channel opened before it is not kept.
  let generation = 0
  const dropSpares = () => {
    generation++
    for (const channel of spares.splice(0)) channel.destroy()
  }
  const onState = (event: { state: string }) => {
    if (event.state === 'reconnecting' || event.state === 'offline') {
      dropSpares()
      agent.destroy()
    }
  }
  let opening = 0
  const openChannels = async (count: number): Promise<void> => {
    if (transport !== 'stream-local' || session.state !== 'ready') return
    const pooled = Object.values(agent.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0)
    const missing = count - pooled - spares.length - opening
    if (missing <= 0) return
    opening += missing
    const asked = generation
    try {
      const opened = await Promise.allSettled(Array.from({ length: missing }, () => session.openStreamLocal(endpoint.socket as string)))
      for (const o of opened) {
        if (o.status !== 'fulfilled') continue
        if (asked === generation) spares.push(o.value)
        else o.value.destroy()
      }
    } finally {
      opening -= missing
    }
  }
  session.on('state', onState)

  return {
    docker,
    agent,
    transport,
    socket,
    openChannels,
    destroy() {
      session.off('state', onState)
      dropSpares()
      agent.destroy()
    },
  }
}
