// The three lists as one kind of row, so one table shows images, volumes and networks alike.

import type { ContainerUserDto, EngineImageDto, EngineKind, EngineNetworkDto, EngineVolumeDto } from '../../../../../shared/contract/index.js'

export interface EngineRow {
  kind: EngineKind
  ref: string
  name: string
  /** Bytes on disk; absent for networks and volumes the engine could not measure. */
  size?: number
  /** Driver, shared bytes… whatever else the kind has to say. */
  detail: string
  project?: string
  users: ContainerUserDto[]
  /** Nothing uses it and it is not one of Docker's own. */
  removable: boolean
}

export function imageRows(images: EngineImageDto[], formatBytes: (n: number) => string): EngineRow[] {
  return images.map((i) => ({
    kind: 'image',
    ref: i.id,
    name: i.tags.join(', ') || `<untagged> ${i.id.replace(/^sha256:/, '').slice(0, 12)}`,
    size: i.size,
    detail: i.sharedSize ? `${formatBytes(i.sharedSize)} shared with other images` : '',
    users: i.users,
    removable: i.users.length === 0,
  }))
}

export function volumeRows(volumes: EngineVolumeDto[]): EngineRow[] {
  return volumes.map((v) => ({ kind: 'volume', ref: v.name, name: v.name, size: v.size, detail: v.driver, project: v.project, users: v.users, removable: v.users.length === 0 }))
}

export function networkRows(networks: EngineNetworkDto[]): EngineRow[] {
  return networks.map((n) => ({
    kind: 'network',
    ref: n.id,
    name: n.name,
    detail: n.builtIn ? `${n.driver} (Docker's own)` : `${n.driver}, ${n.scope}`,
    project: n.project,
    users: n.users,
    removable: n.users.length === 0 && !n.builtIn,
  }))
}
