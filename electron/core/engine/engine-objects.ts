// The engine's images, volumes and networks as a person reads them: sizes from Docker's own disk-usage figures
// (/system/df, what `docker system df` prints) and, for each, the containers that use it — stopped ones too,
// since Docker will not remove what a stopped container still needs.

import type { ContainerUserDto, EngineImageDto, EngineNetworkDto, EngineUsageDto, EngineVolumeDto, UsageLineDto } from '../../../shared/contract/index.js'
import { LABEL } from '../compose/engine/container-spec.js'
import type { Docker } from '../docker/docker-access.js'

/** The part of /system/df that is read here (dockerode leaves it untyped). */
export interface DiskUsage {
  LayersSize?: number
  Images?: { Id: string; RepoTags?: string[] | null; Size: number; SharedSize: number; Created: number; Containers: number }[]
  Containers?: { Id: string; State: string; SizeRw?: number }[]
  Volumes?: { Name: string; Driver: string; CreatedAt?: string; Labels?: Record<string, string> | null; UsageData?: { Size: number; RefCount: number } | null }[]
  BuildCache?: { Size: number; InUse: boolean; Shared: boolean }[] | null
}

/** The engine's own networks: they exist on every engine and are never removed. */
export const BUILT_IN_NETWORKS = new Set(['bridge', 'host', 'none'])

/** Everything the lists are made of, read once. */
export interface EngineSnapshot {
  df: DiskUsage
  containers: Docker.ContainerInfo[]
  networks: Docker.NetworkInspectInfo[]
}

/** Calls already asking the engine for its disk usage, per Docker API: callers at the same moment share one. */
const inFlight = new WeakMap<Docker, Promise<DiskUsage>>()

/**
 * The engine computes disk usage one request at a time and answers a second one meanwhile with a 500 ("a disk
 * usage operation is already running"): ours share one request, and someone else's (a `docker system df` on
 * the server) is waited out.
 */
function diskUsage(docker: Docker): Promise<DiskUsage> {
  let call = inFlight.get(docker)
  if (!call) {
    call = (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return (await docker.df()) as DiskUsage
        } catch (err) {
          if (attempt >= 20 || !/already running/i.test((err as { details?: string }).details ?? '')) throw err
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
        }
      }
    })().finally(() => inFlight.delete(docker))
    inFlight.set(docker, call)
  }
  return call
}

export async function readSnapshot(docker: Docker): Promise<EngineSnapshot> {
  const [df, containers, networks] = await Promise.all([diskUsage(docker), docker.listContainers({ all: true }), docker.listNetworks()])
  return { df, containers, networks }
}

function userOf(c: Docker.ContainerInfo): ContainerUserDto {
  return { id: c.Id, name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''), state: c.State }
}

function usersWhere(containers: Docker.ContainerInfo[], uses: (c: Docker.ContainerInfo) => boolean): ContainerUserDto[] {
  return containers.filter(uses).map(userOf)
}

const realTags = (tags: string[] | null | undefined) => (tags ?? []).filter((t) => t !== '<none>:<none>')
/** Bytes that removing this image alone frees: its layers no other image shares. */
export const uniqueSize = (image: { Size: number; SharedSize: number }) => Math.max(0, image.Size - Math.max(0, image.SharedSize))

export function imagesOf({ df, containers }: EngineSnapshot): EngineImageDto[] {
  return (df.Images ?? []).map((i) => ({
    id: i.Id,
    tags: realTags(i.RepoTags),
    size: i.Size,
    sharedSize: Math.max(0, i.SharedSize),
    created: i.Created,
    users: usersWhere(containers, (c) => c.ImageID === i.Id),
  }))
}

export function volumesOf({ df, containers }: EngineSnapshot): EngineVolumeDto[] {
  return (df.Volumes ?? []).map((v) => {
    const project = v.Labels?.[LABEL.project]
    const size = v.UsageData?.Size
    return {
      name: v.Name,
      driver: v.Driver,
      ...(size !== undefined && size >= 0 ? { size } : {}),
      ...(v.CreatedAt ? { created: v.CreatedAt } : {}),
      ...(project ? { project } : {}),
      users: usersWhere(containers, (c) => (c.Mounts ?? []).some((m) => m.Type === 'volume' && m.Name === v.Name)),
    }
  })
}

export function networksOf({ networks, containers }: EngineSnapshot): EngineNetworkDto[] {
  return networks.map((n) => {
    const project = n.Labels?.[LABEL.project]
    return {
      id: n.Id,
      name: n.Name,
      driver: n.Driver,
      scope: n.Scope,
      builtIn: BUILT_IN_NETWORKS.has(n.Name),
      ...(project ? { project } : {}),
      // A container that never started has no endpoint id yet: it is attached by the network's name.
      users: usersWhere(containers, (c) => Object.entries(c.NetworkSettings?.Networks ?? {}).some(([name, net]) => net.NetworkID === n.Id || (!net.NetworkID && name === n.Name))),
    }
  })
}

const line = (count: number, active: number, size: number, reclaimable: number): UsageLineDto => ({ count, active, size, reclaimable: Math.max(0, Math.min(size, reclaimable)) })

/** `docker system df`, computed as the docker CLI computes it. */
export function usageOf(snapshot: EngineSnapshot): EngineUsageDto {
  const { df } = snapshot
  const images = imagesOf(snapshot)
  const used = images.filter((i) => i.users.length)
  const layers = df.LayersSize ?? images.reduce((sum, i) => sum + i.size, 0)
  const containers = df.Containers ?? []
  const volumes = volumesOf(snapshot)
  const cache = df.BuildCache ?? []
  const sum = <T>(list: T[], size: (t: T) => number) => list.reduce((total, t) => total + size(t), 0)
  return {
    images: line(images.length, used.length, layers, layers - sum(used, (i) => i.size - i.sharedSize)),
    containers: line(containers.length, containers.filter((c) => c.State === 'running').length, sum(containers, (c) => c.SizeRw ?? 0), sum(containers.filter((c) => c.State !== 'running'), (c) => c.SizeRw ?? 0)),
    volumes: line(volumes.length, volumes.filter((v) => v.users.length).length, sum(volumes, (v) => v.size ?? 0), sum(volumes.filter((v) => !v.users.length), (v) => v.size ?? 0)),
    buildCache: line(cache.length, cache.filter((c) => c.InUse).length, sum(cache, (c) => c.Size), sum(cache.filter((c) => !c.InUse && !c.Shared), (c) => c.Size)),
  }
}
