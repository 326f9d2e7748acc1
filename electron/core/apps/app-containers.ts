// Apps as Compose projects on the server: listed from Docker Compose's own labels (so stacks started with
// `docker compose` elsewhere show up too) plus the app folders Homeport wrote; started, stopped and removed
// in dependency order.

import type { AppDto, AppServiceDto, AppState } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { LABEL } from '../compose/engine/container-spec.js'
import type { Docker } from '../docker/docker-access.js'
import { projectContainers, serviceContainer } from '../docker/project-containers.js'
import { appDir, listAppDirs } from './app-paths.js'
import type { AppServer } from './app-server.js'

export interface AppMeta {
  catalogId?: string
  web?: AppDto['web']
}

function healthOf(status: string): AppServiceDto['health'] {
  if (status.includes('(healthy)')) return 'healthy'
  if (status.includes('(unhealthy)')) return 'unhealthy'
  if (status.includes('(health: starting)')) return 'starting'
  return undefined
}

function toService(c: Docker.ContainerInfo): AppServiceDto {
  return {
    service: c.Labels?.[LABEL.service] ?? '',
    container: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
    id: c.Id,
    image: c.Labels?.[LABEL.image] ?? c.Image,
    state: c.State,
    status: c.Status,
    health: healthOf(c.Status ?? ''),
    ports: (c.Ports ?? []).map((p) => ({ privatePort: p.PrivatePort, publicPort: p.PublicPort || undefined, ip: p.IP || undefined, type: p.Type })),
  }
}

function summarise(name: string, services: AppServiceDto[], managed: boolean, meta: AppMeta | undefined, workingDir?: string): AppDto {
  const running = services.filter((s) => s.state === 'running').length
  const state: AppState = services.length === 0 ? 'not-created' : running === services.length ? 'running' : running === 0 ? 'stopped' : 'partial'
  const healths = services.map((s) => s.health).filter(Boolean)
  const health = healths.includes('unhealthy') ? 'unhealthy' : healths.includes('starting') ? 'starting' : healths.length ? 'healthy' : undefined
  return { name, state, health, managed, services: services.sort((a, b) => a.service.localeCompare(b.service)), workingDir, ...meta }
}

/** The container of one of the app's services, which must be running (for a terminal or a forward). */
export async function runningService(docker: Docker, app: string, service: string): Promise<Docker.ContainerInfo> {
  const container = await serviceContainer(docker, app, service)
  if (!container || container.State !== 'running') {
    throw new HomeportError('NOT_FOUND', `The ${service} service of "${app}" is not running.`, { hint: 'Start the app, then try again.' })
  }
  return container
}

/** When each running container started: the list gives only "Up 5 minutes", which cannot tick. */
async function startTimes(docker: Docker, containers: Docker.ContainerInfo[]): Promise<Map<string, string>> {
  const running = containers.filter((c) => c.State === 'running')
  const times = await Promise.all(
    running.map((c) =>
      docker
        .getContainer(c.Id)
        .inspect()
        // A container removed between the list and this call simply has no start time.
        .then((info) => info.State?.StartedAt, () => undefined),
    ),
  )
  return new Map(running.flatMap((c, i) => (times[i] ? [[c.Id, times[i]] as [string, string]] : [])))
}

/** The installed apps' folders (those with a compose file) and what Homeport remembers about each. */
export interface InstalledApps {
  dirs: string[]
  meta(app: string): AppMeta | undefined
}

/** `installed`: when the caller already asked for the folders (in flight alongside the containers' list). */
export async function listApps(server: AppServer, meta: (app: string) => AppMeta | undefined, installed?: Promise<InstalledApps>): Promise<AppDto[]> {
  const docker = await server.docker()
  const [containers, dirs] = await Promise.all([
    docker.listContainers({ all: true, filters: { label: [LABEL.project] } }),
    installed ? installed.then((i) => i.dirs) : listAppDirs(server.session, server.facts),
  ])
  const byProject = new Map<string, Docker.ContainerInfo[]>()
  for (const c of containers) {
    const project = c.Labels?.[LABEL.project]
    if (!project || c.Labels?.[LABEL.oneoff] === 'True') continue
    byProject.set(project, [...(byProject.get(project) ?? []), c])
  }
  const names = new Set([...byProject.keys(), ...dirs])
  const started = await startTimes(docker, containers)
  return [...names].sort().map((name) => {
    const list = byProject.get(name) ?? []
    const services = list.map((c) => ({ ...toService(c), ...(started.has(c.Id) ? { startedAt: started.get(c.Id) } : {}) }))
    return summarise(name, services, dirs.includes(name), meta(name), list[0]?.Labels?.[LABEL.workingDir] ?? (dirs.includes(name) ? appDir(server.facts, name) : undefined))
  })
}

export async function getApp(server: AppServer, app: string, meta: (app: string) => AppMeta | undefined): Promise<AppDto> {
  const found = (await listApps(server, meta)).find((a) => a.name === app)
  if (!found) {
    throw new HomeportError('NOT_FOUND', `There is no app "${app}" on this server.`, { hint: 'The Apps page of the server lists the installed apps.', cliHint: 'See the installed apps with `homeport apps list SERVER`.' })
  }
  return found
}

/** Start order from Compose's depends_on label (`a:service_healthy:false,b:…`), dependencies first. */
function orderByDependencies(containers: Docker.ContainerInfo[]): Docker.ContainerInfo[] {
  const byService = new Map(containers.map((c) => [c.Labels?.[LABEL.service] ?? c.Id, c]))
  const out: Docker.ContainerInfo[] = []
  const seen = new Set<string>()
  const visit = (service: string, depth: number) => {
    const c = byService.get(service)
    if (!c || seen.has(service) || depth > containers.length) return
    const deps = (c.Labels?.[LABEL.dependsOn] ?? '').split(',').filter(Boolean).map((d) => d.split(':')[0])
    for (const d of deps) visit(d, depth + 1)
    seen.add(service)
    out.push(c)
  }
  for (const service of [...byService.keys()].sort()) visit(service, 0)
  return out
}

export async function startApp(docker: Docker, app: string): Promise<void> {
  const containers = await projectContainers(docker, app)
  if (!containers.length) throw new HomeportError('NOT_FOUND', `App "${app}" has no containers to start.`, { hint: 'Install it again, or apply its settings to create them.' })
  for (const c of orderByDependencies(containers)) if (c.State !== 'running') await docker.getContainer(c.Id).start().catch(ignore304)
}

export async function stopApp(docker: Docker, app: string): Promise<void> {
  const containers = await projectContainers(docker, app)
  if (!containers.length) throw new HomeportError('NOT_FOUND', `App "${app}" has no containers to stop.`, { hint: 'The Apps page of the server lists the installed apps.', cliHint: 'Check the name with `homeport apps list SERVER`.' })
  for (const c of orderByDependencies(containers).reverse()) if (c.State === 'running' || c.State === 'restarting') await docker.getContainer(c.Id).stop().catch(ignore304)
}

export async function restartApp(docker: Docker, app: string): Promise<void> {
  await stopApp(docker, app)
  await startApp(docker, app)
}

/** Removes containers and networks; volumes only when asked. */
export async function removeAppResources(docker: Docker, app: string, withVolumes: boolean): Promise<void> {
  const label = { label: [`${LABEL.project}=${app}`] }
  for (const c of orderByDependencies(await docker.listContainers({ all: true, filters: label })).reverse()) {
    await docker.getContainer(c.Id).remove({ force: true })
  }
  for (const n of await docker.listNetworks({ filters: label })) await docker.getNetwork(n.Id).remove()
  if (withVolumes) {
    const volumes = await docker.listVolumes({ filters: label })
    for (const v of volumes.Volumes ?? []) await docker.getVolume(v.Name).remove()
  }
}

function ignore304(err: { statusCode?: number }) {
  if (err?.statusCode !== 304) throw err
}
