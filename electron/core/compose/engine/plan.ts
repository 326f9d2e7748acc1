// What applying an app would change on the server, computed before anything changes. The same plan is
// shown in the install dialog and then executed by apply, so what the user approved is what runs.

import type Docker from 'dockerode'
import { configHash } from '../config-hash.js'
import type { ComposeProject } from '../types.js'
import { LABEL, containerName } from './container-spec.js'
import { readEnvFiles, type EnvFileReader, type EnvFromFiles } from './env-files.js'
import { applyMirror } from './image-mirror.js'
import type { ContainerBefore } from './journal.js'

export type ContainerAction = 'create' | 'recreate' | 'start' | 'keep' | 'remove'

export interface PlannedContainer {
  service: string
  name: string
  action: ContainerAction
  reason: string
  /** Existing container id, for recreate/start/keep/remove. */
  id?: string
}

export interface AppPlan {
  project: string
  images: { service: string; image: string; pull: boolean; build?: boolean }[]
  networks: { key: string; name: string; action: 'create' | 'keep' | 'external' }[]
  volumes: { key: string; name: string; action: 'create' | 'keep' | 'external' }[]
  containers: PlannedContainer[]
  /** The project's containers as they are now: what a rollback gives back and checks against. */
  before: ContainerBefore[]
  /** True when applying would change nothing. */
  upToDate: boolean
}

export interface ServerState {
  containers: Docker.ContainerInfo[]
  networks: Set<string>
  volumes: Set<string>
  /** Image reference → image id, for the references present on the engine. */
  images: Map<string, string>
}

export async function readServerState(docker: Docker, project: ComposeProject, imageRefs: string[]): Promise<ServerState> {
  const label = `${LABEL.project}=${project.name}`
  const images = new Map<string, string>()
  const inspectImage = async (ref: string) => {
    const info = await docker
      .getImage(ref)
      .inspect()
      .catch(() => undefined)
    if (info) images.set(ref, info.Id)
  }
  // The lists and the image checks all at once: none needs another's answer.
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters: { label: [label] } }),
    docker.listNetworks(),
    docker.listVolumes(),
    Promise.all([...new Set(imageRefs)].map(inspectImage)),
  ])
  return {
    containers,
    networks: new Set(networks.map((n) => n.Name)),
    volumes: new Set((volumes.Volumes ?? []).map((v) => v.Name)),
    images,
  }
}

/** The services `name` must wait for: depends_on and network_mode service:x, those in the project. */
export function dependencies(project: ComposeProject, name: string): string[] {
  const svc = project.services[name]
  const deps = Object.keys(svc.dependsOn)
  if (svc.networkMode.kind === 'service') deps.push(svc.networkMode.service)
  return deps.filter((d) => project.services[d])
}

/**
 * Services in an order where every dependency (depends_on, network_mode service:x) comes first. Depth-first
 * with a stack of its own, so a long chain of dependencies neither recurses deeply nor costs more than linear time.
 */
export function startOrder(project: ComposeProject): string[] {
  const order: string[] = []
  const done = new Set<string>()
  const onPath = new Set<string>()
  for (const root of Object.keys(project.services).sort()) {
    if (done.has(root)) continue
    const stack: { name: string; deps: string[]; next: number }[] = [{ name: root, deps: dependencies(project, root), next: 0 }]
    onPath.add(root)
    while (stack.length) {
      const top = stack[stack.length - 1]
      if (top.next < top.deps.length) {
        const dep = top.deps[top.next++]
        if (done.has(dep)) continue
        if (onPath.has(dep)) throw new Error(`depends_on cycle: ${[...stack.map((f) => f.name), dep].join(' → ')}`)
        onPath.add(dep)
        stack.push({ name: dep, deps: dependencies(project, dep), next: 0 })
        continue
      }
      stack.pop()
      onPath.delete(top.name)
      done.add(top.name)
      order.push(top.name)
    }
  }
  return order
}

export interface PlanOptions {
  /** Service → image reference to run (after mirror rewrite). */
  images: Record<string, string>
  /** Service → config hash. */
  hashes: Record<string, string>
  /** Pull every image even if present (update). */
  pullAlways?: boolean
}

export function computePlan(project: ComposeProject, state: ServerState, opts: PlanOptions): AppPlan {
  const byService = new Map<string, Docker.ContainerInfo>()
  const orphans: Docker.ContainerInfo[] = []
  for (const c of state.containers) {
    const service = c.Labels?.[LABEL.service]
    if (service && project.services[service] && c.Labels?.[LABEL.oneoff] !== 'True' && !byService.has(service)) byService.set(service, c)
    else if (c.Labels?.[LABEL.oneoff] !== 'True') orphans.push(c)
  }
  const order = startOrder(project)
  const images = order.map((service) => {
    const image = opts.images[service]
    // A built image is never pulled: the build that comes before the run makes it.
    if (project.services[service].build) return { service, image, pull: false, build: true }
    return { service, image, pull: opts.pullAlways === true || !state.images.has(image) }
  })
  const containers: PlannedContainer[] = order.map((service) => {
    const name = containerName(project.name, project.services[service])
    const existing = byService.get(service)
    if (!existing) return { service, name, action: 'create', reason: 'new' }
    const id = existing.Id
    if (existing.Labels?.[LABEL.configHash] !== opts.hashes[service]) return { service, name, action: 'recreate', reason: 'configuration changed', id }
    const imageId = state.images.get(opts.images[service])
    if (imageId && existing.ImageID && imageId !== existing.ImageID) return { service, name, action: 'recreate', reason: 'newer image', id }
    if (existing.State !== 'running') return { service, name, action: 'start', reason: `was ${existing.State}`, id }
    return { service, name, action: 'keep', reason: 'up to date', id }
  })
  for (const o of orphans) {
    containers.push({ service: o.Labels?.[LABEL.service] ?? '?', name: (o.Names?.[0] ?? o.Id).replace(/^\//, ''), action: 'remove', reason: 'no longer in the compose file', id: o.Id })
  }
  const networks = Object.entries(project.networks).map(([key, n]) => ({
    key,
    name: n.name,
    action: n.external ? ('external' as const) : state.networks.has(n.name) ? ('keep' as const) : ('create' as const),
  }))
  const volumes = Object.entries(project.volumes).map(([key, v]) => ({
    key,
    name: v.name,
    action: v.external ? ('external' as const) : state.volumes.has(v.name) ? ('keep' as const) : ('create' as const),
  }))
  const upToDate =
    images.every((i) => !i.pull) &&
    containers.every((c) => c.action === 'keep') &&
    networks.every((n) => n.action !== 'create') &&
    volumes.every((v) => v.action !== 'create')
  const before: ContainerBefore[] = state.containers
    .filter((c) => c.Labels?.[LABEL.oneoff] !== 'True')
    .map((c) => ({
      id: c.Id,
      name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
      service: c.Labels?.[LABEL.service] ?? '?',
      running: c.State === 'running' || c.State === 'restarting',
      imageId: c.ImageID,
      configHash: c.Labels?.[LABEL.configHash],
    }))
  return { project: project.name, images, networks, volumes, containers, before, upToDate }
}

export interface ProjectPlan {
  /** Service → image reference to run (after the mirror rewrite). */
  images: Record<string, string>
  /** Service → its env files' values, read once so the hash and the container agree. */
  envFromFiles: EnvFromFiles
  /** Service → config hash over the service and its env files' values. */
  hashes: Record<string, string>
  plan: AppPlan
}

/** Everything apply needs besides the project, computed against what runs on the server now. */
export async function planProject(
  docker: Docker,
  project: ComposeProject,
  opts: { readFile: EnvFileReader; mirror?: string; pullAlways?: boolean },
): Promise<ProjectPlan> {
  const envFromFiles = await readEnvFiles(project, opts.readFile)
  const images: Record<string, string> = {}
  const hashes: Record<string, string> = {}
  for (const [name, service] of Object.entries(project.services)) {
    images[name] = service.build ? service.image : applyMirror(service.image, opts.mirror)
    hashes[name] = configHash(service, envFromFiles[name])
  }
  const state = await readServerState(docker, project, Object.values(images))
  return { images, envFromFiles, hashes, plan: computePlan(project, state, { images, hashes, pullAlways: opts.pullAlways }) }
}
