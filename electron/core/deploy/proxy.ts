// The server's reverse proxy: one Caddy container per server, on a Docker network of its own that the
// deployed versions join, publishing every deployed app's port. It runs as the SSH user, so its admin socket
// (in a folder of that user's, bind-mounted) is reachable through the SSH connection and by nobody else.
// Caddy saves the config it runs and resumes it when the container restarts (a reboot, an engine restart).
// Docker fixes a container's published ports when it is created, so a new app's port means a new proxy
// container: it is created beside the old one and takes over in one stop/start (the other apps pause for
// about a second); a version swap never touches the container.
// The container runs two Caddy processes. Caddy binds a TCP port anew on every config load and resets the
// connections still queued on the old socket, so the published ports belong to a front Caddy whose config is
// fixed with the container's ports; it forwards each to a unix socket, which the switching Caddy (the one the
// admin API drives) keeps open across its loads.

import { posix } from 'node:path'
import { HomeportError } from '../../../shared/errors.js'
import { readServerFile, writeServerFiles } from '../connection/sftp.js'
import type { SshSession } from '../connection/types.js'
import type { Docker } from '../docker/docker-access.js'
import { pullImage } from '../compose/engine/pull.js'
import { CaddyAdmin, frontProxyConfig, initialProxyConfig, PROXY_MOUNT } from './caddy-admin.js'
import { serverUser, type ServerUser } from '../connection/server-user.js'

export const PROXY_IMAGE_SETTING = 'deploy.proxyImage'
/** The container (and network) name of the proxy; another name keeps a second proxy apart on one engine. */
export const PROXY_NAME_SETTING = 'deploy.proxyName'
/** The official Caddy image. */
export const DEFAULT_PROXY_IMAGE = 'docker.io/library/caddy:2.8.4'
export const DEFAULT_PROXY_NAME = 'homeport-proxy'
export const PROXY_LABEL = 'io.homeport.proxy'

export interface DeployServer {
  serverId: string
  server: string
  session: SshSession
  docker: Docker
  proxyImage: string
  proxyName: string
}

export function proxyDir(user: ServerUser, proxyName: string): string {
  return posix.join(user.home, '.local/share/homeport/proxy', proxyName)
}

export async function proxyAdmin(srv: DeployServer): Promise<CaddyAdmin> {
  const user = await serverUser(srv.session)
  return new CaddyAdmin(srv.session, posix.join(proxyDir(user, srv.proxyName), 'admin.sock'), srv.server)
}

export async function ensureNetwork(docker: Docker, name: string): Promise<void> {
  const found = await docker.listNetworks({ filters: JSON.stringify({ name: [name] }) })
  if (found.some((n) => n.Name === name)) return
  try {
    await docker.createNetwork({ Name: name, Driver: 'bridge', Labels: { [PROXY_LABEL]: name } })
  } catch (err) {
    // Another caller created it meanwhile.
    if (!(await docker.listNetworks({ filters: JSON.stringify({ name: [name] }) })).some((n) => n.Name === name)) throw err
  }
}

async function inspectProxy(docker: Docker, name: string) {
  return docker.getContainer(name).inspect().catch((err: unknown) => {
    if ((err as { statusCode?: number }).statusCode === 404 || /no such container|not found/i.test(String((err as Error).message))) return undefined
    throw err
  })
}

function publishedPorts(info: { HostConfig: { PortBindings?: Record<string, unknown> } }): number[] {
  return Object.keys(info.HostConfig.PortBindings ?? {}).map((k) => Number(k.split('/')[0])).filter((p) => p > 0)
}

/** Containers other than the proxy that publish one of `ports` on the host. */
async function portHolders(docker: Docker, ports: number[], proxyName: string): Promise<{ port: number; container: string }[]> {
  const containers = await docker.listContainers({ all: false })
  const held: { port: number; container: string }[] = []
  for (const c of containers) {
    const name = (c.Names[0] ?? '').replace(/^\//, '')
    if (name === proxyName) continue
    for (const p of c.Ports ?? []) if (p.PublicPort && ports.includes(p.PublicPort)) held.push({ port: p.PublicPort, container: name })
  }
  return held
}

function portInUse(server: string, port: number, holder: string): HomeportError {
  return new HomeportError('PORT_IN_USE', `Port ${port} on ${server} is already used by ${holder}.`, {
    hint: 'Choose another port for the app (its homeport.yml), or stop what uses it on the server.',
    cliHint: 'Set another `port:` in homeport.yml (or `homeport deploy init --port N`), or stop what uses it on the server.',
  })
}

/** The front Caddy in the foreground (the container ends with it), the switching one beside it. */
const PROXY_CMD = ['sh', '-c', `caddy run --resume --config ${PROXY_MOUNT}/initial.json & exec caddy run --config ${PROXY_MOUNT}/front.json`]

async function waitForAdmin(admin: CaddyAdmin, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + 30_000
  let last = ''
  while (Date.now() < deadline) {
    signal?.throwIfAborted()
    const answer = await admin.request('GET', '/config/').catch((err: unknown) => ({ status: 0, body: String(err) }))
    if (answer.status === 200) return
    last = answer.body
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new HomeportError('COMMAND_FAILED', 'The proxy started but its admin API did not answer within 30 seconds.', { details: last })
}

/**
 * The proxy running with at least `ports` published. Returns its admin client (closed by the caller).
 * A port another container publishes, or that the host refuses, is PORT_IN_USE and the old proxy keeps running.
 */
export async function ensureProxy(srv: DeployServer, ports: number[], log: (line: string) => void, signal?: AbortSignal): Promise<CaddyAdmin> {
  const { docker, proxyName } = srv
  const user = await serverUser(srv.session)
  const dir = proxyDir(user, proxyName)
  await ensureNetwork(docker, proxyName)
  const current = await inspectProxy(docker, proxyName)
  const have = current ? publishedPorts(current) : []
  const want = [...new Set([...have, ...ports])].sort((a, b) => a - b)
  const admin = await proxyAdmin(srv)
  try {
    if (current?.State.Running && want.length === have.length && current.Config.Image === srv.proxyImage && current.Config.Cmd?.join(' ') === PROXY_CMD.join(' ')) {
      await waitForAdmin(admin, signal)
      return admin
    }
    const added = want.filter((p) => !have.includes(p))
    const holder = (await portHolders(docker, added, proxyName))[0]
    if (holder) throw portInUse(srv.server, holder.port, `the container ${holder.container}`)
    const mk = await srv.session.exec(['mkdir', '-p', '-m', '700', '--', dir, posix.join(dir, 'ports')])
    if (mk.code !== 0) throw new HomeportError('COMMAND_FAILED', `Could not create ${dir} on ${srv.server}.`, { details: mk.stderr })
    const initial = posix.join(dir, 'initial.json')
    if ((await readServerFile(srv.session, initial)) === undefined) {
      await writeServerFiles(srv.session, [{ path: initial, content: JSON.stringify(initialProxyConfig(`${PROXY_MOUNT}/admin.sock`)), mode: 0o600 }])
    }
    if (!(await docker.getImage(srv.proxyImage).inspect().then(() => true, () => false))) {
      log(`Pulling the proxy image ${srv.proxyImage}`)
      await pullImage(docker, srv.proxyImage, { signal })
    }
    await writeServerFiles(srv.session, [{ path: posix.join(dir, 'front.json'), content: JSON.stringify(frontProxyConfig(want)), mode: 0o600 }])
    await replaceProxy(srv, user, dir, want, current ? current.Id : undefined, log)
    await waitForAdmin(admin, signal)
    return admin
  } catch (err) {
    admin.close()
    throw err
  }
}

async function replaceProxy(srv: DeployServer, user: ServerUser, dir: string, ports: number[], oldId: string | undefined, log: (line: string) => void): Promise<void> {
  const { docker, proxyName } = srv
  const retired = `${proxyName}-replaced-${Date.now()}`
  if (oldId) await docker.getContainer(oldId).rename({ name: retired })
  const created = await docker
    .createContainer({
      name: proxyName,
      Image: srv.proxyImage,
      User: `${user.uid}:${user.gid}`,
      Cmd: PROXY_CMD,
      Env: [`HOME=${PROXY_MOUNT}`, `XDG_CONFIG_HOME=${PROXY_MOUNT}/config`, `XDG_DATA_HOME=${PROXY_MOUNT}/data`],
      Labels: { [PROXY_LABEL]: proxyName },
      ExposedPorts: Object.fromEntries(ports.map((p) => [`${p}/tcp`, {}])),
      HostConfig: {
        Binds: [`${dir}:${PROXY_MOUNT}`],
        PortBindings: Object.fromEntries(ports.map((p) => [`${p}/tcp`, [{ HostPort: String(p) }]])),
        RestartPolicy: { Name: 'unless-stopped' },
        NetworkMode: proxyName,
      },
    })
    .catch(async (err: unknown) => {
      if (oldId) await docker.getContainer(oldId).rename({ name: proxyName })
      throw err
    })
  if (oldId) await docker.getContainer(oldId).stop({ t: 5 }).catch(() => {})
  try {
    await created.start()
  } catch (err) {
    // Back to the proxy that ran, as it was.
    await created.remove({ force: true }).catch(() => {})
    if (oldId) {
      await docker.getContainer(oldId).rename({ name: proxyName })
      await docker.getContainer(oldId).start().catch(() => {})
    }
    // Docker's own words are in the message, or in `details` once docker-access has mapped the error.
    const said = `${(err as Error).message} ${(err as { details?: string }).details ?? ''}`
    if (/address already in use|port is already allocated/i.test(said)) {
      const port = ports.find((p) => new RegExp(`:${p}\\b`).test(said)) ?? ports[0]!
      throw portInUse(srv.server, port, 'another program')
    }
    throw err
  }
  if (oldId) await docker.getContainer(oldId).remove({ force: true }).catch(() => {})
  log(`The proxy ${proxyName} publishes ${ports.join(', ')}`)
}
