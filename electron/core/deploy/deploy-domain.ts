// The deploy domain as the core assembles it: per server, its session and Docker API, the settings that name
// the proxy's image and container, and jobs. One deploy or rollback per app at a time from this computer.

import type { BuildWhere, DeployHistoryDto, DeployJobResult, DeployProjectDto } from '../../../shared/contract/deploy.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import type { Docker } from '../docker/docker-access.js'
import type { JobContext, JobRunner } from '../jobs/job-runner.js'
import { servedApps, type ServedApp } from './caddy-admin.js'
import { notDeployed, runDeploy, runRollback } from './deploy-run.js'
import { readServed, toVersionDto, versionContainers } from './kept-versions.js'
import { buildSource, readProject } from './project-folder.js'
import { DEFAULT_PROXY_IMAGE, DEFAULT_PROXY_NAME, PROXY_IMAGE_SETTING, PROXY_NAME_SETTING, proxyAdmin, type DeployServer } from './proxy.js'
import { KEEP_VERSIONS } from './deploy-names.js'

export interface DeployDeps {
  session(serverId: string): Promise<SshSession>
  docker(serverId: string): Promise<Docker>
  serverName(serverId: string): string
  idOf(idOrName: string): string
  jobs: JobRunner
  setting(key: string): unknown
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value ? value : fallback
}

export class DeployDomain {
  private readonly busy = new Set<string>()

  constructor(private readonly deps: DeployDeps) {}

  async server(idOrName: string): Promise<DeployServer> {
    const serverId = this.deps.idOf(idOrName)
    const [session, docker] = await Promise.all([this.deps.session(serverId), this.deps.docker(serverId)])
    return {
      serverId,
      server: this.deps.serverName(serverId),
      session,
      docker,
      proxyImage: text(this.deps.setting(PROXY_IMAGE_SETTING), DEFAULT_PROXY_IMAGE),
      proxyName: text(this.deps.setting(PROXY_NAME_SETTING), DEFAULT_PROXY_NAME),
    }
  }

  project(dir: string): Promise<DeployProjectDto> {
    return readProject(dir)
  }

  async startDeploy(dir: string, build?: BuildWhere): Promise<{ jobId: string; app: string; serverId: string }> {
    const project = await readProject(dir)
    const config = project.config
    if (!config) {
      throw new HomeportError('NOT_FOUND', `${project.dir} has no homeport.yml.`, {
        hint: 'Set the project up first: choose its app name, server and port.',
        cliHint: 'Run `homeport init` in the folder (or `homeport deploy DIR --app NAME --server SERVER --port N` to write it on the way).',
      })
    }
    const source = await buildSource(project.dir, config)
    const serverId = this.deps.idOf(config.server)
    const { jobId } = this.exclusive(serverId, config.app, `Deploy ${config.app} to ${this.deps.serverName(serverId)}`, async (ctx) =>
      runDeploy(await this.server(serverId), { config, source, ...(project.commit ? { commit: project.commit } : {}), ...(build ? { build } : {}) }, ctx),
    )
    return { jobId, app: config.app, serverId }
  }

  startRollback(idOrName: string, app: string, version?: string): { jobId: string } {
    const serverId = this.deps.idOf(idOrName)
    return this.exclusive(serverId, app, `Roll ${app} back on ${this.deps.serverName(serverId)}${version ? ` to ${version}` : ''}`, async (ctx) => runRollback(await this.server(serverId), app, version, ctx))
  }

  private async served(srv: DeployServer): Promise<ServedApp[]> {
    const admin = await proxyAdmin(srv)
    try {
      const up = await admin.request('GET', '/config/').then((a) => a.status === 200, () => false)
      return up ? await servedApps(admin) : []
    } finally {
      admin.close()
    }
  }

  async history(idOrName: string, app: string): Promise<DeployHistoryDto> {
    const srv = await this.server(idOrName)
    const [apps, containers, served] = await Promise.all([this.served(srv), versionContainers(srv.docker, srv.proxyName, app), readServed(srv.session, app)])
    const entry = apps.find((a) => a.app === app)
    // A version being started by a deploy under way has not served yet: it is not a version to go back to.
    const kept = containers.filter((c) => c.name === entry?.upstream || served.includes(c.version)).slice(0, KEEP_VERSIONS)
    if (!entry && !kept.length) throw notDeployed(srv, app)
    const current = kept.find((c) => c.name === entry?.upstream)
    return { app, server: srv.server, ...(current ? { current: current.version } : {}), ...(entry ? { port: entry.port } : {}), versions: kept.map((c) => toVersionDto(c, entry?.upstream)) }
  }

  async list(idOrName: string): Promise<DeployHistoryDto[]> {
    const srv = await this.server(idOrName)
    const [apps, containers] = await Promise.all([this.served(srv), versionContainers(srv.docker, srv.proxyName)])
    const names = [...new Set([...apps.map((a) => a.app), ...containers.map((c) => /^homeport-deploy-(.+)-\d{8}-\d{6}/.exec(c.name)?.[1]).filter((n): n is string => Boolean(n))])].sort()
    return Promise.all(names.map((n) => this.history(srv.serverId, n)))
  }

  private exclusive(serverId: string, app: string, title: string, work: (ctx: JobContext) => Promise<DeployJobResult>): { jobId: string } {
    const key = `${serverId}/${app}`
    if (this.busy.has(key)) throw new HomeportError('APP_BUSY', `A deploy or rollback of "${app}" is already running.`, { hint: 'Wait for it to finish (see the jobs list), then try again.' })
    this.busy.add(key)
    const job = this.deps.jobs.start({ kind: 'deploy', title, serverId, app }, work)
    void job.done.finally(() => this.busy.delete(key)).catch(() => {})
    return { jobId: job.id }
  }
}
