// Caddy's admin API, reached through the SSH connection: Caddy listens for it on a unix socket in a folder of
// the SSH user's on the server (the proxy runs as that user), and each request rides a stream-local channel
// to that socket, so no port is opened for it. Caddy refuses a request over a unix socket unless its Host
// header is empty (its guard against DNS rebinding), hence `setHost: false`.

import http from 'node:http'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import { TunnelAgent } from '../docker/tunnel-agent.js'

export interface CaddyAnswer {
  status: number
  body: string
}

export class CaddyAdmin {
  private readonly agent: TunnelAgent

  constructor(session: SshSession, readonly socketPath: string, private readonly serverName: string) {
    this.agent = new TunnelAgent(() => session.openStreamLocal(socketPath), { maxSockets: 2, maxFreeSockets: 1 })
  }

  async request(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<CaddyAnswer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
    return new Promise<CaddyAnswer>((resolve, reject) => {
      const req = http.request(
        { agent: this.agent, method, path, setHost: false, headers: { Host: '', ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}) } },
        (res) => {
          let text = ''
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.end(payload)
    })
  }

  /** A request that must succeed; Caddy's own words go into `details`. */
  async must(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<string> {
    const answer = await this.request(method, path, body)
    if (answer.status >= 200 && answer.status < 300) return answer.body
    throw new HomeportError('COMMAND_FAILED', `The proxy on ${this.serverName} refused ${method} ${path} (${answer.status}).`, {
      hint: 'Read the details; the version that served before keeps serving.',
      details: answer.body,
    })
  }

  close(): void {
    this.agent.destroy()
  }
}

/** The handler that sends an app's traffic to its serving version, addressed by its @id. */
export function upstreamId(app: string): string {
  return `homeport-deploy-${app}`
}

export function appServerName(app: string): string {
  return `homeport-${app}`
}

/** Where the proxy's folder on the server is mounted in its container. */
export const PROXY_MOUNT = '/run/homeport-proxy'
/** The unix sockets the front proxy forwards each published port to. */
const PORT_SOCKETS_DIR = `${PROXY_MOUNT}/ports`

export function portSocket(port: number): string {
  return `${PORT_SOCKETS_DIR}/${port}.sock`
}

/**
 * The Caddy server of one app: the socket of its port, proxied to one upstream. Caddy keeps in-flight requests
 * across a reload, and keeps a unix socket open across it too (a TCP port it binds anew, which resets the
 * connections still queued on the old socket: hence the front proxy, see `frontProxyConfig`).
 */
export function appServerConfig(app: string, port: number, dial: string): Record<string, unknown> {
  return {
    listen: [`unix/${portSocket(port)}`],
    automatic_https: { disable: true },
    routes: [{ handle: [{ '@id': upstreamId(app), handler: 'reverse_proxy', upstreams: [{ dial }] }] }],
  }
}

/**
 * The config of the front proxy: each published port forwarded to its socket, fixed for the life of the proxy
 * container (its ports are), so a swap never makes it bind a port again. No admin API: nothing changes it.
 */
export function frontProxyConfig(ports: number[]): Record<string, unknown> {
  // A fresh connection per request: one kept alive would still reach the config before a switch.
  const transport = { protocol: 'http', keep_alive: { enabled: false } }
  const servers = Object.fromEntries(
    ports.map((p) => [`port-${p}`, { listen: [`:${p}`], automatic_https: { disable: true }, routes: [{ handle: [{ handler: 'reverse_proxy', transport, upstreams: [{ dial: `unix/${portSocket(p)}` }] }] }] }]),
  )
  // Not saved: the switching Caddy resumes the config it saves, in the same folder.
  return { admin: { disabled: true, config: { persist: false } }, apps: { http: { grace_period: '60s', servers } } }
}

/** The config the proxy starts with the very first time; later it resumes the config it last ran. */
export function initialProxyConfig(adminSocket: string): Record<string, unknown> {
  return { admin: { listen: `unix/${adminSocket}` }, apps: { http: { grace_period: '60s', servers: {} } } }
}

interface CaddyServer {
  listen?: string[]
  routes?: { handle?: { handler?: string; upstreams?: { dial?: string }[] }[] }[]
}

export interface ServedApp {
  app: string
  port: number
  /** The container the traffic goes to. */
  upstream?: string
}

/** The apps the proxy serves, with their port and upstream container, from its live config. */
export async function servedApps(admin: CaddyAdmin): Promise<ServedApp[]> {
  const answer = await admin.request('GET', '/config/apps/http/servers')
  if (answer.status === 404 || answer.status === 400) return []
  if (answer.status !== 200) throw new HomeportError('COMMAND_FAILED', 'Could not read the proxy config.', { details: answer.body })
  const servers = (JSON.parse(answer.body || 'null') ?? {}) as Record<string, CaddyServer>
  const apps: ServedApp[] = []
  for (const [name, server] of Object.entries(servers)) {
    if (!name.startsWith('homeport-')) continue
    const port = Number(/[:/](\d+)(?:\.sock)?$/.exec(server.listen?.[0] ?? '')?.[1])
    const dial = server.routes?.[0]?.handle?.find((h) => h.handler === 'reverse_proxy')?.upstreams?.[0]?.dial
    apps.push({ app: name.slice('homeport-'.length), port, ...(dial ? { upstream: dial.replace(/:\d+$/, '') } : {}) })
  }
  return apps
}
