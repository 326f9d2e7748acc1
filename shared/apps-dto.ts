// Apps, catalogs, plans and jobs as they cross the bridge.

import type { ErrorInfo } from './errors.js'

export interface CatalogVariableDto {
  name: string
  label: string
  description?: string
  default?: string
  type: 'string' | 'port' | 'path' | 'boolean' | 'select'
  options?: string[]
  secret: boolean
  host?: boolean
}

export interface CatalogAppDto {
  id: string
  name: string
  tagline?: string
  description?: string
  category: string
  icon?: string
  website?: string
  version?: string
  source: 'bundled' | 'casaos' | 'umbrel' | 'portainer'
  variables: CatalogVariableDto[]
  web?: { service: string; port: number; path: string; scheme: 'http' | 'https'; hostNetwork?: boolean }
  notes?: string[]
}

export interface CatalogDto {
  apps: CatalogAppDto[]
  skipped: { ref: string; reason: string }[]
}

export interface PlanDto {
  app: string
  images: { service: string; image: string; pull: boolean }[]
  networks: { name: string; action: 'create' | 'keep' | 'external' }[]
  volumes: { name: string; action: 'create' | 'keep' | 'external' }[]
  containers: { service: string; name: string; action: 'create' | 'recreate' | 'start' | 'keep' | 'remove'; reason: string }[]
  warnings: string[]
  upToDate: boolean
}

export type AppState = 'running' | 'partial' | 'stopped' | 'not-created'

export interface AppServiceDto {
  service: string
  container: string
  id: string
  image: string
  state: string
  status: string
  health?: 'healthy' | 'unhealthy' | 'starting'
  ports: { privatePort: number; publicPort?: number; ip?: string; type: string }[]
}

export interface AppDto {
  name: string
  state: AppState
  health?: 'healthy' | 'unhealthy' | 'starting'
  /** Installed by Homeport (its folder exists on the server) or found as a Compose stack started elsewhere. */
  managed: boolean
  catalogId?: string
  services: AppServiceDto[]
  web?: { service: string; port: number; path: string; scheme: 'http' | 'https' }
  workingDir?: string
}

export interface JobDto {
  id: string
  kind: string
  title: string
  serverId?: string
  state: 'running' | 'succeeded' | 'failed' | 'cancelled'
  progress?: number
  items: { key: string; label: string; current: number; total: number }[]
  step?: string
  log: string[]
  startedAt: string
  endedAt?: string
  error?: ErrorInfo
  result?: unknown
}

export interface LogLineDto {
  service: string
  stream: 'stdout' | 'stderr'
  /** RFC 3339 with nanoseconds, when timestamps were asked for. */
  time?: string
  text: string
}

export interface ForwardDto {
  app: string
  url: string
  localPort: number
  remote: string
}
