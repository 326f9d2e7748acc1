// A clone starts beside the app it was taken from, with the same compose file: every host port the
// original publishes (running or stopped) and every port something on the server listens on is taken, so
// the clone's clashing ports move to the next free ones. The clone's compose file gets those services'
// ports written out in Compose's long form with the new host ports; the person is told what moved.

import { parseDocument } from 'yaml'
import type { RestoreJobResult } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import { loadCompose } from '../compose/load.js'
import type { ComposePort } from '../compose/types.js'
import type { SshSession } from '../connection/types.js'
import { projectContainers } from '../docker/project-containers.js'
import type { BackupServer } from './restic-call.js'

export type MovedPort = NonNullable<RestoreJobResult['ports']>[number]

/** Ports listened on in the server's network namespace (TCP LISTEN sockets, bound UDP sockets), from /proc/net. */
async function listening(session: SshSession): Promise<Set<string>> {
  const res = await session.exec(['sh', '-c', 'for f in tcp tcp6 udp udp6; do echo "== $f"; cat "/proc/net/$f" 2>/dev/null; done'])
  const taken = new Set<string>()
  let protocol = 'tcp'
  for (const line of res.stdout.split('\n')) {
    const head = /^== (tcp|udp)/.exec(line)
    if (head) {
      protocol = head[1]
      continue
    }
    const cols = line.trim().split(/\s+/)
    const port = /:([0-9A-F]{4})$/.exec(cols[1] ?? '')?.[1]
    if (!port) continue
    if (protocol === 'tcp' && cols[3] !== '0A') continue
    taken.add(`${parseInt(port, 16)}/${protocol}`)
  }
  return taken
}

/** Host ports the original app's containers publish, read from their settings so a stopped app counts too. */
async function publishedBy(srv: BackupServer, app: string): Promise<Set<string>> {
  const taken = new Set<string>()
  for (const c of await projectContainers(srv.docker, app)) {
    const info = await srv.docker.getContainer(c.Id).inspect()
    for (const [spec, bindings] of Object.entries(info.HostConfig?.PortBindings ?? {})) {
      const protocol = spec.split('/')[1] ?? 'tcp'
      for (const b of (bindings as { HostPort?: string }[] | null) ?? []) if (b.HostPort) taken.add(`${b.HostPort}/${protocol}`)
    }
  }
  return taken
}

function nextFree(from: number, protocol: string, taken: Set<string>): number {
  for (let port = Math.max(from + 1, 1024); port <= 65535; port++) if (!taken.has(`${port}/${protocol}`)) return port
  throw new HomeportError('PORT_IN_USE', `No free host port above ${from}/${protocol} on the server for the clone.`, { hint: 'Free a port on the server, then restore as a new app again.' })
}

function longForm(p: ComposePort): Record<string, string | number> {
  return { target: p.target, published: String(p.published), protocol: p.protocol, ...(p.hostIp ? { host_ip: p.hostIp } : {}) }
}

export interface ClonePlan {
  original: string
  clone: string
  compose: string
  env: string | undefined
  /** The clone's folder on the server, for relative paths in the compose file. */
  cloneDir: string
  home: string
}

/** The clone's compose file with its clashing host ports moved to free ones, and what moved. */
export async function remapClonePorts(srv: BackupServer, session: SshSession, plan: ClonePlan): Promise<{ compose: string; moved: MovedPort[] }> {
  const { project } = loadCompose({ yamlText: plan.compose, envFileText: plan.env, projectName: plan.clone, projectDir: plan.cloneDir, serverHome: plan.home })
  const wanted = Object.values(project.services).some((s) => s.ports.some((p) => p.published))
  if (!wanted) return { compose: plan.compose, moved: [] }
  const taken = new Set([...(await listening(session)), ...(await publishedBy(srv, plan.original))])
  const doc = parseDocument(plan.compose)
  const moved: MovedPort[] = []
  for (const [name, service] of Object.entries(project.services)) {
    const clashes = service.ports.filter((p) => p.published && taken.has(`${p.published}/${p.protocol}`))
    if (!clashes.length) {
      for (const p of service.ports) if (p.published) taken.add(`${p.published}/${p.protocol}`)
      continue
    }
    const ports = service.ports.map((p) => {
      if (!p.published || !clashes.includes(p)) return p
      const to = nextFree(p.published, p.protocol, taken)
      taken.add(`${to}/${p.protocol}`)
      moved.push({ service: name, from: p.published, to })
      return { ...p, published: to }
    })
    doc.setIn(['services', name, 'ports'], ports.map((p) => (p.published ? longForm(p) : { target: p.target, protocol: p.protocol })))
  }
  return { compose: doc.toString(), moved }
}
