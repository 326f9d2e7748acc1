// The Docker engine's own objects on a server: images, volumes and networks with their sizes and the
// containers that use them, the engine's disk usage (`docker system df`), and removing what nothing uses.
// Removal is always shown first: `engine.unused` says what would go and what it frees, `engine.remove`
// removes exactly the items it is given and refuses any that a container uses.

import { z } from 'zod'
import { method, out } from './define.js'
import { ServerIdInput } from './servers.js'

/** A container that uses an image, volume or network. */
export interface ContainerUserDto {
  id: string
  name: string
  state: string
}

export interface EngineImageDto {
  id: string
  /** `repo:tag` names; empty for a dangling image. */
  tags: string[]
  /** Bytes on disk, layers shared with other images included. */
  size: number
  /** Bytes of layers shared with other images (removing this one alone does not free them). */
  sharedSize: number
  created: number
  users: ContainerUserDto[]
}

export interface EngineVolumeDto {
  name: string
  driver: string
  /** Bytes, as the engine measured them; absent when it could not (a remote driver). */
  size?: number
  created?: string
  /** The Compose project that made it, if any. */
  project?: string
  users: ContainerUserDto[]
}

export interface EngineNetworkDto {
  id: string
  name: string
  driver: string
  scope: string
  /** bridge, host and none: the engine's own, never removed. */
  builtIn: boolean
  project?: string
  users: ContainerUserDto[]
}

/** One line of `docker system df`. */
export interface UsageLineDto {
  count: number
  active: number
  size: number
  reclaimable: number
}

export interface EngineUsageDto {
  images: UsageLineDto
  containers: UsageLineDto
  volumes: UsageLineDto
  buildCache: UsageLineDto
}

export const ENGINE_KINDS = ['image', 'volume', 'network'] as const
export type EngineKind = (typeof ENGINE_KINDS)[number]

export interface EngineItemDto {
  kind: EngineKind
  /** Image id, volume name or network id. */
  ref: string
  /** What a person reads: the image's tags, the volume's or network's name. */
  label: string
  /** Bytes it frees (images: the layers no other image shares). */
  size: number
}

export interface UnusedDto {
  items: EngineItemDto[]
  /** Bytes removing every item frees, by the engine's own figures. */
  bytes: number
}

export interface RemoveResultDto {
  removed: EngineItemDto[]
  failed: (EngineItemDto & { error: string })[]
  /** Bytes freed, measured: the engine's disk usage before and after. */
  bytesFreed: number
}

const kinds = z.array(z.enum(ENGINE_KINDS)).min(1).default([...ENGINE_KINDS])
const item = z.object({ kind: z.enum(ENGINE_KINDS), ref: z.string().min(1).max(512) })

export const engineContract = {
  'engine.usage': method(ServerIdInput, out<EngineUsageDto>()),
  'engine.images': method(ServerIdInput, out<EngineImageDto[]>()),
  'engine.volumes': method(ServerIdInput, out<EngineVolumeDto[]>()),
  'engine.networks': method(ServerIdInput, out<EngineNetworkDto[]>()),
  /** What no container uses (stopped ones count as users), of the kinds asked for: the preview of a prune. */
  'engine.unused': method(ServerIdInput.extend({ kinds }), out<UnusedDto>()),
  /** Removes these items; one that a container uses (or a built-in network) is refused and left alone. */
  'engine.remove': method(ServerIdInput.extend({ items: z.array(item).min(1).max(10_000) }), out<RemoveResultDto>()),
} as const
