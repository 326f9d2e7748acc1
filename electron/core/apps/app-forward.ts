// Opens an app's web page on this computer: a listener on 127.0.0.1:<free port> whose connections become
// direct-tcpip channels on the server's one SSH connection. Nothing on the server listens on the network
// for it: the target is the published port on the server's loopback, or the container's own address.

import { createServer, type Server, type Socket } from 'node:net'
import type Docker from 'dockerode'
import type { AppDto, ForwardDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import { projectContainers } from './app-lifecycle.js'
import { LABEL } from '../compose/engine/container-spec.js'

export interface Forward extends ForwardDto {
  close(): Promise<void>
}

/** Where on the server the web port can be reached: published port, host network, or container IP. */
export async function webTarget(docker: Docker, app: string, web: NonNullable<AppDto['web']> & { hostNetwork?: boolean }): Promise<{ host: string; port: number }> {
  const container = (await projectContainers(docker, app)).find((c) => c.Labels?.[LABEL.service] === web.service)
  if (!container || container.State !== 'running') {
    throw new HomeportError('NOT_FOUND', `The ${web.service} service of "${app}" is not running.`, { hint: 'Start the app first.' })
  }
  if (web.hostNetwork || container.HostConfig?.NetworkMode === 'host') return { host: '127.0.0.1', port: web.port }
  const published = (container.Ports ?? []).find((p) => p.PrivatePort === web.port && p.Type === 'tcp' && p.PublicPort)
  if (published) return { host: !published.IP || published.IP === '0.0.0.0' || published.IP === '::' ? '127.0.0.1' : published.IP, port: published.PublicPort }
  const ip = Object.values(container.NetworkSettings?.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress
  if (!ip) throw new HomeportError('NOT_FOUND', `The ${web.service} service of "${app}" has no address to reach port ${web.port} on.`, { hint: 'Publish the web port in the compose file.' })
  return { host: ip, port: web.port }
}

export async function openForward(session: SshSession, app: string, target: { host: string; port: number }, web: { path: string; scheme: string }): Promise<Forward> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((local) => {
    sockets.add(local)
    local.on('close', () => sockets.delete(local))
    local.pause()
    session.openTcp(target.host, target.port).then(
      (remote) => {
        local.pipe(remote).pipe(local)
        local.resume()
        const end = () => {
          local.destroy()
          remote.destroy()
        }
        local.on('error', end)
        remote.on('error', end)
        remote.on('close', () => local.destroy())
      },
      () => local.destroy(),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const localPort = (server.address() as { port: number }).port
  return {
    app,
    localPort,
    url: `${web.scheme}://127.0.0.1:${localPort}${web.path.startsWith('/') ? web.path : `/${web.path}`}`,
    remote: `${target.host}:${target.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
