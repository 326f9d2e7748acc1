// One deploy, as a job: build the project on its server, start the new version beside the one that serves,
// check it, switch, stop the old one, keep the last versions. And a rollback: the same check and switch to a
// kept version. Until the switch, a failure or a cancel removes the new version and leaves the server as it
// was; the proxy is never left without a version to send the app's traffic to.

import type { BuildWhere, DeployConfigDto, DeployJobResult } from '../../../shared/contract/deploy.js'
import { HomeportError } from '../../../shared/errors.js'
import type { JobContext } from '../jobs/job-runner.js'
import { buildVersion } from './build-version.js'
import { servedApps, type CaddyAdmin } from './caddy-admin.js'
import { newVersion, versionConfig, versionContainer, versionImage, versionLabels, type VersionConfig } from './deploy-names.js'
import type { BuildSource } from './project-folder.js'
import { ensureProxy, proxyAdmin, type DeployServer } from './proxy.js'
import { checkAndSwitch, prune, repair, type RepairResult } from './swap.js'

export interface DeployRequest {
  config: DeployConfigDto
  source: BuildSource
  commit?: string
  /** Overrides homeport.yml's `build:`. */
  build?: BuildWhere
}

/** The proxy up with the app's port, no other deployed app on that port, and the app repaired. */
async function prepare(srv: DeployServer, app: string, port: number, ctx: JobContext): Promise<{ admin: CaddyAdmin; state: RepairResult }> {
  const probe = await proxyAdmin(srv)
  const running = await probe.request('GET', '/config/').then((a) => a.status === 200, () => false)
  const clash = running ? (await servedApps(probe)).find((a) => a.app !== app && a.port === port) : undefined
  probe.close()
  if (clash) {
    throw new HomeportError('PORT_IN_USE', `Port ${port} on ${srv.server} already serves the deployed app "${clash.app}".`, {
      hint: 'Choose another port for this app in its homeport.yml.',
      cliHint: 'Set another `port:` in homeport.yml, or remove the other app first.',
    })
  }
  ctx.step(`Making sure the proxy on ${srv.server} publishes port ${port}`)
  const admin = await ensureProxy(srv, [port], (l) => ctx.log(l), ctx.signal)
  try {
    return { admin, state: await repair(srv, admin, app, (l) => ctx.log(l)) }
  } catch (err) {
    admin.close()
    throw err
  }
}

/** The port the code listens on: homeport.yml's appPort, else the image's one exposed port, else the published port. */
async function appPortOf(srv: DeployServer, image: string, config: VersionConfig): Promise<number> {
  if (config.appPort) return config.appPort
  const exposed = Object.keys((await srv.docker.getImage(image).inspect()).Config.ExposedPorts ?? {})
    .filter((p) => p.endsWith('/tcp'))
    .map((p) => Number(p.split('/')[0]))
  return exposed.length === 1 ? exposed[0]! : config.port
}

async function startVersion(srv: DeployServer, app: string, version: string, image: string, config: VersionConfig, createdAt: string, commit?: string): Promise<string> {
  const name = versionContainer(app, version)
  const container = await srv.docker.createContainer({
    name,
    Image: image,
    Env: Object.entries(config.env).map(([k, v]) => `${k}=${v}`),
    Labels: versionLabels(app, version, srv.proxyName, config, createdAt, commit),
    // Init: an app that installs no SIGTERM handler (PID 1 ignores it) still stops when the drain ends.
    HostConfig: { RestartPolicy: { Name: 'unless-stopped' }, NetworkMode: srv.proxyName, Init: true },
  })
  await container.start()
  return name
}

export async function runDeploy(srv: DeployServer, req: DeployRequest, ctx: JobContext): Promise<DeployJobResult> {
  const { config } = req
  const app = config.app
  const version = newVersion(new Date(), req.commit)
  const image = versionImage(app, version)
  const where = req.build ?? config.build ?? 'server'
  ctx.step(`Building ${app} ${version} ${where === 'local' ? 'on this computer' : `on ${srv.server}`}`)
  const sent = await buildVersion(srv, { where, source: req.source, image, labels: { 'io.homeport.deploy.app': app, 'io.homeport.deploy.version': version } }, ctx)
  const { admin, state } = await prepare(srv, app, config.port, ctx).catch(async (err: unknown) => {
    await srv.docker.getImage(image).remove().catch(() => {})
    throw err
  })
  let switched = false
  try {
    const vc = versionConfig(config)
    const withPort: VersionConfig = { ...vc, appPort: await appPortOf(srv, image, vc) }
    ctx.step(`Starting ${version} beside ${state.serving ? state.serving.version : 'nothing (first deploy)'}`)
    const container = await startVersion(srv, app, version, image, withPort, new Date().toISOString(), req.commit)
    try {
      await checkAndSwitch(srv, admin, { app, version, container, port: config.port, appPort: withPort.appPort!, health: config.health }, ctx, state.serving)
      switched = true
    } catch (err) {
      if (!switched) {
        await srv.docker.getContainer(container).remove({ force: true }).catch(() => {})
        await srv.docker.getImage(image).remove().catch(() => {})
      }
      throw err
    }
    const pruned = await prune(srv, app, version)
    if (pruned.length) ctx.log(`Removed ${pruned.join(', ')}: only the last versions are kept`)
    return { app, version, ...(state.serving ? { previous: state.serving.version } : {}), port: config.port, kind: 'build', pruned, ...(sent ? { sent } : {}) }
  } finally {
    admin.close()
  }
}

export async function runRollback(srv: DeployServer, app: string, wanted: string | undefined, ctx: JobContext): Promise<DeployJobResult> {
  const current = await proxyAdmin(srv)
  const running = await current.request('GET', '/config/').then((a) => a.status === 200, () => false)
  const port = running ? (await servedApps(current)).find((a) => a.app === app)?.port : undefined
  current.close()
  if (!port) throw notDeployed(srv, app)
  const { admin, state } = await prepare(srv, app, port, ctx)
  try {
    const serving = state.serving
    const older = state.versions.filter((v) => v !== serving)
    const target = wanted ? state.versions.find((v) => v.version === wanted) : older.find((v) => !serving || v.createdAt < serving.createdAt) ?? older[0]
    if (!target) {
      const kept = state.versions.map((v) => v.version).join(', ')
      throw new HomeportError('NOT_FOUND', wanted ? `${app} on ${srv.server} has no version ${wanted}; kept: ${kept || 'none'}.` : `${app} on ${srv.server} has no earlier version to go back to.`, {
        hint: 'Choose one of the versions the history lists.',
        cliHint: `Choose one of the versions \`homeport deploy history ${srv.server} ${app}\` lists.`,
      })
    }
    if (target === serving) throw new HomeportError('INVALID_INPUT', `${app} ${target.version} already serves on ${srv.server}.`, { hint: 'Choose another version to go back to.' })
    ctx.step(`Starting ${target.version} beside ${serving?.version ?? 'nothing'}`)
    await srv.docker.getContainer(target.id).start()
    const appPort = target.config.appPort ?? target.config.port
    try {
      await checkAndSwitch(srv, admin, { app, version: target.version, container: target.name, port, appPort, health: target.config.health }, ctx, serving)
    } catch (err) {
      // A kept version stays kept; it only goes back to being stopped.
      if ((await servedApps(admin).catch(() => []))?.find((a) => a.app === app)?.upstream !== target.name) await srv.docker.getContainer(target.id).stop({ t: 5 }).catch(() => {})
      throw err
    }
    return { app, version: target.version, ...(serving ? { previous: serving.version } : {}), port, kind: 'rollback', pruned: [] }
  } finally {
    admin.close()
  }
}

export function notDeployed(srv: DeployServer, app: string): HomeportError {
  return new HomeportError('NOT_FOUND', `No app named "${app}" is deployed on ${srv.server}.`, {
    hint: 'Check the name; deploy the project folder first.',
    cliHint: `Check the name (\`homeport deploy list ${srv.server}\`); deploy the project first with \`homeport deploy DIR\`.`,
  })
}
