// Whether a freshly started version is ready for traffic, judged from the server itself: an HTTP GET of the
// health path sent through the SSH connection to the container's address on the proxy's network (no port is
// published for it), or the image's own HEALTHCHECK, or, with neither, its port accepting connections.
// A container that exits fails at once; the verdict carries the version's last log lines.

import http from 'node:http'
import type { SshSession } from '../connection/types.js'
import type { Docker } from '../docker/docker-access.js'
import { TunnelAgent } from '../docker/tunnel-agent.js'
import { containerLogLines } from '../docker/log-demux.js'

export interface HealthTarget {
  container: string
  network: string
  port: number
  path?: string
  timeoutSeconds: number
}

export type HealthVerdict = { healthy: true; how: string } | { healthy: false; reason: string; logs: string }

function httpStatus(session: SshSession, host: string, port: number, path: string): Promise<number> {
  const agent = new TunnelAgent(() => session.openTcp(host, port), { maxSockets: 1, maxFreeSockets: 0 })
  return new Promise<number>((resolve, reject) => {
    const req = http.request({ agent, host, port, path, method: 'GET', headers: { Connection: 'close', 'User-Agent': 'homeport-health' } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')))
    req.on('error', reject)
    req.end()
  }).finally(() => agent.destroy())
}

async function tail(docker: Docker, container: string): Promise<string> {
  const lines = await containerLogLines(docker, container, container, { tail: 60, timestamps: false }).catch(() => [])
  return lines.map((l) => l.text).join('\n')
}

export async function waitHealthy(session: SshSession, docker: Docker, target: HealthTarget, signal?: AbortSignal): Promise<HealthVerdict> {
  const deadline = Date.now() + target.timeoutSeconds * 1000
  let last = 'it never answered'
  for (;;) {
    signal?.throwIfAborted()
    const info = await docker.getContainer(target.container).inspect()
    if (!info.State.Running) {
      return { healthy: false, reason: `it stopped (exit code ${info.State.ExitCode})`, logs: await tail(docker, target.container) }
    }
    const ip = info.NetworkSettings.Networks[target.network]?.IPAddress
    if (target.path) {
      if (ip) {
        const status = await httpStatus(session, ip, target.port, target.path).catch((err: unknown) => {
          last = `GET ${target.path} failed: ${err instanceof Error ? err.message : String(err)}`
          return 0
        })
        if (status >= 200 && status < 400) return { healthy: true, how: `GET ${target.path} answered ${status}` }
        if (status) last = `GET ${target.path} answered ${status}`
      }
    } else if (info.State.Health) {
      if (info.State.Health.Status === 'healthy') return { healthy: true, how: 'its HEALTHCHECK passed' }
      if (info.State.Health.Status === 'unhealthy') return { healthy: false, reason: 'its HEALTHCHECK reports it unhealthy', logs: await tail(docker, target.container) }
      last = `its HEALTHCHECK is still ${info.State.Health.Status}`
    } else if (ip) {
      const open = await session.openTcp(ip, target.port).then(
        (s) => {
          s.destroy()
          return true
        },
        () => false,
      )
      if (open) return { healthy: true, how: `port ${target.port} accepts connections` }
      last = `port ${target.port} refused connections`
    }
    if (Date.now() > deadline) {
      return { healthy: false, reason: `${last} within ${target.timeoutSeconds} s`, logs: await tail(docker, target.container) }
    }
    await new Promise((r) => setTimeout(r, 500))
  }
}
