// Where an app's web page is reachable from the server: its published port on the server's loopback, the
// host network, or the container's own address. For a compose file without catalog metadata, the web
// port is guessed from what the app publishes.

import type { AppDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { Docker } from '../docker/docker-access.js'
import { runningService } from './app-containers.js'
import type { ForwardTarget } from './forwards.js'

type WebPort = NonNullable<AppDto['web']> & { hostNetwork?: boolean }

const WEB_PORTS = [80, 8080, 443, 3000, 8000, 8443]

/** The first service publishing a TCP port, well-known web ports first. */
function guessWebPort(app: AppDto): AppDto['web'] {
  const candidates = app.services.flatMap((s) => s.ports.filter((p) => p.type === 'tcp' && p.publicPort).map((p) => ({ service: s.service, port: p.privatePort })))
  const pick = candidates.find((c) => WEB_PORTS.includes(c.port)) ?? candidates[0]
  return pick && { service: pick.service, port: pick.port, path: '/', scheme: pick.port === 443 || pick.port === 8443 ? 'https' : 'http' }
}

async function serverAddress(docker: Docker, app: string, web: WebPort): Promise<{ host: string; port: number }> {
  const container = await runningService(docker, app, web.service)
  if (web.hostNetwork || container.HostConfig?.NetworkMode === 'host') return { host: '127.0.0.1', port: web.port }
  const published = (container.Ports ?? []).find((p) => p.PrivatePort === web.port && p.Type === 'tcp' && p.PublicPort)
  if (published) return { host: !published.IP || published.IP === '0.0.0.0' || published.IP === '::' ? '127.0.0.1' : published.IP, port: published.PublicPort }
  const ip = Object.values(container.NetworkSettings?.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress
  if (!ip) throw new HomeportError('NOT_FOUND', `The ${web.service} service of "${app}" has no address to reach port ${web.port} on.`, { hint: 'Publish the web port in the compose file.' })
  return { host: ip, port: web.port }
}

export async function pageTarget(docker: Docker, app: AppDto): Promise<ForwardTarget> {
  const web: WebPort | undefined = app.web ?? guessWebPort(app)
  if (!web) {
    throw new HomeportError('NOT_FOUND', `"${app.name}" has no web page Homeport knows of.`, {
      hint: 'Apps from the catalog name their web port; for your own compose file, publish the port and open it from the container list.',
    })
  }
  return { ...(await serverAddress(docker, app.name, web)), path: web.path, scheme: web.scheme }
}
