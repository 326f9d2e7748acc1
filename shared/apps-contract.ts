// The apps part of the contract: catalogs, plan/install/update, lifecycle, logs, stats, terminal, forwards
// and the jobs that long operations run as. Merged into `contract` in contract.ts.

import { z } from 'zod'
import type { AppDto, CatalogDto, ForwardDto, JobDto, LogLineDto, PlanDto } from './apps-dto.js'

export interface Out<T> {
  readonly __out?: T
}
export const out = <T>(): Out<T> => ({})
export function method<I extends z.ZodType, O>(input: I, output: Out<O>) {
  return { input, output }
}

const serverId = z.string().min(1)
export const appName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, "-" or "_", starting with a letter or digit (it is the Compose project name)')

const values = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not a variable name'), z.string()).default({})

/** Where an app comes from: a catalog entry, a compose file given as text, or what is installed already. */
export const AppSource = z.union([
  z.object({ catalogId: z.string().min(1), catalog: z.string().min(1).optional() }),
  z.object({ compose: z.string().min(1, 'the compose file is empty'), env: z.string().optional() }),
  z.object({ installed: z.literal(true) }),
])

const AppRef = z.object({ serverId, app: appName })
const PlanInput = z.object({ serverId, source: AppSource, name: appName.optional(), values })

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

export const appsContract = {
  /** `catalog`: a folder, archive or https URL (CasaOS, Umbrel, Portainer, Homeport); absent = the bundled catalog. */
  'apps.catalog': method(z.object({ catalog: z.string().min(1).optional() }), out<CatalogDto>()),
  'apps.plan': method(PlanInput, out<PlanDto>()),
  /** Starts a job; follow it with `job.update` events. Ends with `result: { status: 'installed', app }`. */
  'apps.install': method(PlanInput, out<{ jobId: string; app: string }>()),
  'apps.list': method(z.object({ serverId }), out<AppDto[]>()),
  'apps.start': method(AppRef, out<AppDto>()),
  'apps.stop': method(AppRef, out<AppDto>()),
  'apps.restart': method(AppRef, out<AppDto>()),
  /** Pull newer images and recreate what changed; a container that fails its healthcheck rolls everything back. */
  'apps.update': method(AppRef.extend({ values: values.optional(), verifyTimeoutMs: z.number().int().min(1000).max(600_000).optional() }), out<{ jobId: string; app: string }>()),
  /** `volumes: true` deletes the app's data; `confirm` must then repeat the app name. */
  'apps.remove': method(AppRef.extend({ volumes: z.boolean().default(false), confirm: z.string().optional() }), out<void>()),
  'apps.settings': method(AppRef, out<AppSettingsDto>()),
  'apps.logs': method(
    AppRef.extend({ service: z.string().optional(), tail: z.number().int().min(0).max(1_000_000).default(500), since: z.number().int().min(0).optional(), timestamps: z.boolean().default(false) }),
    out<LogLineDto[]>(),
  ),
  /** Follow logs: lines arrive as `apps.logs` events for the returned stream id until `apps.logsStop`. */
  'apps.logsFollow': method(AppRef.extend({ service: z.string().optional(), tail: z.number().int().min(0).max(1_000_000).default(500), timestamps: z.boolean().default(false) }), out<{ streamId: string }>()),
  'apps.logsStop': method(z.object({ streamId: z.string().min(1) }), out<void>()),
  'apps.stats': method(AppRef, out<StatsDto[]>()),
  'apps.open': method(AppRef, out<ForwardDto>()),
  'apps.closeForward': method(AppRef, out<void>()),
  'apps.setMirror': method(z.object({ serverId, mirror: z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._/-]+)?$/, 'must be a registry host such as mirror.example.org or 127.0.0.1:5000').nullable() }), out<void>()),
  'apps.getMirror': method(z.object({ serverId }), out<string | null>()),

  'terminal.open': method(AppRef.extend({ service: z.string().min(1), cols: z.number().int().min(10).max(1000).default(80), rows: z.number().int().min(5).max(500).default(24), command: z.array(z.string()).optional() }), out<{ terminalId: string }>()),
  'terminal.input': method(z.object({ terminalId: z.string().min(1), data: z.string() }), out<void>()),
  'terminal.resize': method(z.object({ terminalId: z.string().min(1), cols: z.number().int().min(10).max(1000), rows: z.number().int().min(5).max(500) }), out<void>()),
  'terminal.close': method(z.object({ terminalId: z.string().min(1) }), out<void>()),

  'jobs.list': method(z.object({}), out<JobDto[]>()),
  'jobs.get': method(z.object({ id: z.string().min(1) }), out<JobDto>()),
  'jobs.cancel': method(z.object({ id: z.string().min(1) }), out<void>()),
} as const

export interface AppsEventMap {
  'job.update': JobDto
  'apps.logs': { streamId: string; lines: LogLineDto[]; ended?: boolean }
  'terminal.output': { terminalId: string; data: string }
  'terminal.exit': { terminalId: string; code?: number }
}
export const appsEventNames: (keyof AppsEventMap)[] = ['job.update', 'apps.logs', 'terminal.output', 'terminal.exit']
