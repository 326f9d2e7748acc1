// Deploying your own code: a project folder on this computer (with its homeport.yml) is built on the server,
// started beside the version that serves, checked, and switched to through the server's reverse proxy
// without a failed request. The last versions are kept for a rollback through the same checked switch.

import { z } from 'zod'
import { appName } from './apps.js'
import { method, out } from './define.js'
import { LocalPath } from './files.js'

const serverId = z.string().min(1)
const Port = z.number().int().min(1).max(65535)
/** `20261130-061502-a1b2c3d` (time, then the git commit when the folder is a git repository). */
export const DEPLOY_VERSION_PATTERN = /^\d{8}-\d{6}(-[0-9a-f]{4,12})?$/
const Version = z.string().regex(DEPLOY_VERSION_PATTERN, 'is not a version (as `homeport deploy history` lists them)')
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not an environment variable name')
const HealthPath = z.string().regex(/^\/[\x21-\x7e]*$/, 'must be a path starting with "/"')

/** What homeport.yml holds. */
export const DeployConfig = z.object({
  app: appName,
  server: z.string().min(1),
  /** The compose service to build, when the project has a compose file; without it, the project's Dockerfile. */
  service: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'is not a compose service name').optional(),
  /** The port on the server where the app answers; the server's proxy owns it. */
  port: Port,
  /** The port the code listens on in its container; default: the image's one exposed port, else `port`. */
  appPort: Port.optional(),
  health: z
    .object({
      /** An HTTP path that answers 2xx or 3xx once the version is ready; without it, the image's HEALTHCHECK, or the port accepting connections. */
      path: HealthPath.optional(),
      /** Seconds the new version has to become healthy. */
      timeout: z.number().int().min(1).max(3600).default(60),
    })
    .default({ timeout: 60 }),
  env: z.record(EnvName, z.string()).default({}),
  /** Where the image is built: on the server (default), or by this computer's Docker engine, sending the server only the layers it lacks. */
  build: z.enum(['server', 'local']).optional(),
})
export type DeployConfigInput = z.input<typeof DeployConfig>
export type DeployConfigDto = z.output<typeof DeployConfig>

export type BuildWhere = 'server' | 'local'

/** What a build on this computer sent to the server. */
export interface LayerTransferDto {
  /** Layers of the image, and how many of them the server lacked and were sent. */
  layers: number
  layersSent: number
  /** Bytes sent through the connection, and what the whole image (as `docker save` writes it) would have been. */
  bytesSent: number
  bytesFull: number
}

/** This computer's Docker engine, for building here. */
export interface LocalEngineDto {
  found: boolean
  /** Where it was looked for (DOCKER_HOST, else the platform's default socket). */
  host: string
  version?: string
  /** `linux/amd64` */
  platform?: string
  /** Why it was not found, in words. */
  problem?: string
}

export const STACKS = ['node', 'go', 'python'] as const
export type Stack = (typeof STACKS)[number]

export interface DeployProjectDto {
  dir: string
  /** homeport.yml, when the folder has one. */
  config?: DeployConfigDto
  hasDockerfile: boolean
  hasCompose: boolean
  /** The language a minimal Dockerfile can be offered for (package.json, go.mod, requirements.txt/pyproject.toml). */
  stack?: Stack
  /** The git commit the next version would carry. */
  commit?: string
}

export interface DeployVersionDto {
  version: string
  /** The commit it was built from, when the project was a git repository. */
  commit?: string
  createdAt: string
  image: string
  /** The port, health and environment it runs with (restored as they were by a rollback). */
  config: Pick<DeployConfigDto, 'port' | 'appPort' | 'health' | 'env'>
  serving: boolean
}

export interface DeployHistoryDto {
  app: string
  server: string
  /** The version the proxy sends traffic to. */
  current?: string
  port?: number
  /** Newest first; at most 3. */
  versions: DeployVersionDto[]
}

export interface DeployJobResult {
  app: string
  version: string
  /** The version that served before, now stopped (kept for a rollback). */
  previous?: string
  port: number
  /** `build` for a deploy, `rollback` for a switch back to a kept version. */
  kind: 'build' | 'rollback'
  /** Versions removed because only the last 3 are kept. */
  pruned: string[]
  /** For a build on this computer: the layers sent to the server. */
  sent?: LayerTransferDto
}

export const deployContract = {
  /** The project folder as Homeport sees it: its homeport.yml, Dockerfile, compose file and language. */
  'deploy.project': method(z.object({ dir: LocalPath }), out<DeployProjectDto>()),
  /**
   * Writes homeport.yml into the folder (refused when there is one, unless `overwrite`); with `dockerfile`,
   * also a minimal Dockerfile for the project's language when it has none.
   */
  'deploy.init': method(
    z.object({ dir: LocalPath, config: DeployConfig, dockerfile: z.boolean().default(false), overwrite: z.boolean().default(false) }),
    out<{ configPath: string; dockerfilePath?: string; stack?: Stack }>(),
  ),
  /** Starts a `deploy` job: build the folder on its server (or on this computer with `build: local`, overriding homeport.yml), start it beside the serving version, check its health, switch, stop the old one. */
  'deploy.run': method(z.object({ dir: LocalPath, build: z.enum(['server', 'local']).optional() }), out<{ jobId: string; app: string; serverId: string }>()),
  /** This computer's Docker engine, for a build here (`build: local`): whether it answers, its version and platform. */
  'deploy.localEngine': method(z.object({}), out<LocalEngineDto>()),
  /** Starts a `deploy` job that switches back to a kept version (default: the one before the serving one) through the same health check. */
  'deploy.rollback': method(z.object({ serverId, app: appName, version: Version.optional() }), out<{ jobId: string }>()),
  /** The kept versions of a deployed app, newest first, and the one serving. */
  'deploy.history': method(z.object({ serverId, app: appName }), out<DeployHistoryDto>()),
  /** Deployed apps on a server. */
  'deploy.list': method(z.object({ serverId }), out<DeployHistoryDto[]>()),
} as const
