// Apps: catalogs, plan/install/update (as jobs), lifecycle, logs, stats, forwards to their web pages and the
// per-server registry mirror. An app is a Docker Compose project on the server.

import { z } from 'zod'
import type { ErrorInfo } from '../errors.js'
import { APP_NAME_PATTERN } from '../names.js'
import { event, method, out } from './define.js'
import { serverId } from './servers.js'

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
  /** What the app gets of the server itself (host network, Docker socket…); the detail page shows it. */
  hostAccess?: HostAccessRiskDto[]
  /** What it uses on the server with the catalog's defaults (folders under `~`; relative ones are in the app's folder). */
  uses?: CatalogUsesDto
}

export interface CatalogUsesDto {
  ports: NonNullable<PlanDto['ports']>
  folders: NonNullable<PlanDto['folders']>
  /** Docker volumes it creates (`<app>_<key>`), by the service that mounts them. */
  volumes: { name: string; service: string; target: string }[]
}

/** One way a compose file reaches past its containers into the server, named, with what it allows. */
export interface HostAccessRiskDto {
  service: string
  kind: 'privileged' | 'host-network' | 'host-pid' | 'host-ipc' | 'host-userns' | 'docker-socket' | 'host-root' | 'host-path' | 'capability' | 'device' | 'unconfined'
  /** The setting as written: `/var/run/docker.sock`, `SYS_ADMIN`, `/dev/ttyUSB0`… */
  detail: string
  /** One sentence on what it allows, for the person deciding. */
  sentence: string
}

export interface CatalogDto {
  apps: CatalogAppDto[]
  skipped: { ref: string; reason: string }[]
}

export interface PlanDto {
  app: string
  /** `build`: the image is built on the server from a folder on this computer before the containers start. */
  images: { service: string; image: string; pull: boolean; build?: boolean }[]
  networks: { name: string; action: 'create' | 'keep' | 'external' }[]
  volumes: { name: string; action: 'create' | 'keep' | 'external' }[]
  containers: { service: string; name: string; action: 'create' | 'recreate' | 'start' | 'keep' | 'remove'; reason: string }[]
  /** Compose secrets each service gets, as read-only files at `path` in its container (never their content). Absent: none. */
  secrets?: { service: string; name: string; path: string }[]
  warnings: string[]
  /** Host access the app asks for; installing it needs `acceptHostAccess`. Absent: none. */
  risks?: HostAccessRiskDto[]
  upToDate: boolean
  /** The values it will use: settings (a secret's value is never sent), published ports, folders of the server. */
  settings?: PlanSettingDto[]
  ports?: { service: string; hostIp: string; published?: number; target: number; protocol: string }[]
  folders?: { service: string; source: string; target: string; readOnly: boolean }[]
}

export interface PlanSettingDto {
  name: string
  label?: string
  /** Absent for a secret: it is generated or kept, and shown nowhere. */
  value?: string
  secret?: boolean
}

export type AppState = 'running' | 'partial' | 'stopped' | 'not-created'

export interface AppServiceDto {
  service: string
  container: string
  id: string
  image: string
  state: string
  status: string
  /** When a running container started (RFC 3339), so an uptime can tick without asking the server again. */
  startedAt?: string
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

/** A forward to an app's web page opened or closed, whoever closed it (a call, a stop, a dropped connection). */
export interface ForwardEvent extends ForwardDto {
  serverId: string
  state: 'open' | 'closed'
  reason?: 'closed' | 'stopped' | 'removed' | 'connection-lost' | 'shutdown'
}

/** An app's containers were started, stopped, restarted, installed, updated or removed through the core. */
export interface AppChangedEvent {
  serverId: string
  app: string
  change: 'installed' | 'updated' | 'started' | 'stopped' | 'restarted' | 'removed' | 'rolled-back'
}

export interface StatsDto {
  service: string
  container: string
  cpuPercent: number
  memoryBytes: number
  memoryLimitBytes: number
  networkRxBytes: number
  networkTxBytes: number
}

export interface AppSettingsDto {
  values: Record<string, string>
  /** The catalog's variables if the app came from one; otherwise one plain entry per .env value. */
  variables: { name: string; label: string; secret: boolean; type: string; description?: string; options?: string[] }[]
  compose: string
}

export interface AppComposeFilesDto {
  compose: string
  env: string
  /** Variables whose values are left blank in `env`: a blank one sent back keeps the stored value. */
  secrets: string[]
}

/** What the `install` and `update` jobs end with (see jobs.ts). */
export interface InstallJobResult {
  status: 'installed'
  app: string
  containers: string[]
}
export interface UpdateJobResult {
  /** `up-to-date`: nothing newer to pull and no setting changed, so nothing was recreated. */
  status: 'updated' | 'up-to-date'
  app: string
  recreated: string[]
  created: string[]
}

export { APP_NAME_PATTERN }
export const appName = z
  .string()
  .regex(APP_NAME_PATTERN, 'must be lower-case letters, digits, "-" or "_", starting with a letter or digit (it is the Compose project name)')

const values = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not a variable name'), z.string()).default({})

/** Where an app comes from: a catalog entry, a compose file given as text, or what is installed already. */
/** The compose file's folder on this computer (absolute): `build:` contexts are found relative to it. */
const buildDir = z.string().min(1).refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path')
// A union takes the first variant that parses and drops keys that variant does not know: the installed
// variant comes first, and the others refuse `installed`, so `{ installed: true, compose }` stays an edit of
// the installed app and is never read as a new compose file.
const notInstalled = { installed: z.undefined().optional() }
export const AppSource = z.union([
  /** With `compose` or `env`: the installed app with its compose file or `.env` replaced by these edits. */
  z.object({ installed: z.literal(true), compose: z.string().min(1, 'the compose file is empty').optional(), env: z.string().optional(), buildDir: buildDir.optional() }),
  z.object({ catalogId: z.string().min(1), catalog: z.string().min(1).optional(), ...notInstalled }),
  z.object({ compose: z.string().min(1, 'the compose file is empty'), env: z.string().optional(), buildDir: buildDir.optional(), ...notInstalled }),
])
export type AppSourceInput = z.output<typeof AppSource>

export const AppRef = z.object({ serverId, app: appName })
/** `envFile`: a .env file's text and its name (for messages); its values fill what `values` does not give. */
const EnvFile = z.object({ name: z.string().min(1), text: z.string() })
/** `acceptHostAccess`: the person read the plan's risks (privileged, host network, Docker socket…) and accepts them. */
const PlanInput = z.object({ serverId, source: AppSource, name: appName.optional(), values, envFile: EnvFile.optional(), acceptHostAccess: z.boolean().optional() })

export const appsContract = {
  /** `catalog`: a folder, archive or https URL (CasaOS, Umbrel, Portainer, Homeport); absent = the bundled catalog. */
  'apps.catalog': method(z.object({ catalog: z.string().min(1).optional() }), out<CatalogDto>()),
  'apps.plan': method(PlanInput, out<PlanDto>()),
  /** Starts an `install` job; follow it with `job.update` events. */
  'apps.install': method(PlanInput, out<{ jobId: string; app: string }>()),
  'apps.list': method(z.object({ serverId }), out<AppDto[]>()),
  'apps.start': method(AppRef, out<AppDto>()),
  'apps.stop': method(AppRef, out<AppDto>()),
  'apps.restart': method(AppRef, out<AppDto>()),
  /**
   * Starts an `update` job: pull newer images and recreate what changed; a container that fails its healthcheck
   * rolls everything back. `compose`/`env`: an edited compose file or .env replaces the installed one.
   * Images of `build:` services are rebuilt first, from `buildDir` or the folder remembered at install.
   */
  'apps.update': method(
    AppRef.extend({ values: values.optional(), compose: z.string().min(1, 'the compose file is empty').optional(), env: z.string().optional(), buildDir: buildDir.optional(), verifyTimeoutMs: z.number().int().min(1000).max(600_000).optional(), acceptHostAccess: z.boolean().optional() }),
    out<{ jobId: string; app: string }>(),
  ),
  /** `volumes: true` deletes the app's data; `confirm` must then repeat the app name. */
  'apps.remove': method(AppRef.extend({ volumes: z.boolean().default(false), confirm: z.string().optional() }), out<void>()),
  'apps.settings': method(AppRef, out<AppSettingsDto>()),
  /** The installed compose file and `.env` for the editor; secret values come blank (blank sent back = keep). */
  'apps.composeFiles': method(AppRef, out<AppComposeFilesDto>()),
  'apps.logs': method(
    AppRef.extend({ service: z.string().optional(), tail: z.number().int().min(0).max(1_000_000).default(500), since: z.number().int().min(0).optional(), timestamps: z.boolean().default(false) }),
    out<LogLineDto[]>(),
  ),
  /**
   * Follow logs: lines arrive as `apps.logs` events for the returned stream id until `apps.logsStop`.
   * `follow: false` streams the tail the same way (in pages, first lines at once) and ends after it.
   * `after` resumes after a line already received (its time, and how many lines at that instant were seen).
   */
  'apps.logsFollow': method(
    AppRef.extend({
      service: z.string().optional(),
      tail: z.number().int().min(0).max(1_000_000).default(500),
      timestamps: z.boolean().default(false),
      follow: z.boolean().default(true),
      after: z.object({ time: z.string().min(1), seen: z.number().int().min(0) }).optional(),
    }),
    out<{ streamId: string; containers: number }>(),
  ),
  'apps.logsStop': method(z.object({ streamId: z.string().min(1) }), out<void>()),
  'apps.stats': method(AppRef, out<StatsDto[]>()),
  'apps.open': method(AppRef, out<ForwardDto>()),
  'apps.closeForward': method(AppRef, out<void>()),
  'apps.setMirror': method(z.object({ serverId, mirror: z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._/-]+)?$/, 'must be a registry host such as mirror.example.org or 127.0.0.1:5000').nullable() }), out<void>()),
  'apps.getMirror': method(z.object({ serverId }), out<string | null>()),
} as const

export const appsEvents = {
  /**
   * Lines of a followed log. A dropped connection is followed by a reconnect that resumes after the last line
   * (`reconnecting: true` while it waits, `reconnecting: false` once it follows again); `ended` with `error` means
   * it could not resume and the stream is over.
   */
  'apps.logs': event<{ streamId: string; lines: LogLineDto[]; ended?: boolean; error?: ErrorInfo; reconnecting?: boolean }>(),
  'apps.forward': event<ForwardEvent>(),
  'apps.changed': event<AppChangedEvent>(),
} as const
