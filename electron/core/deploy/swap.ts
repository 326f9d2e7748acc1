// The switch between versions, shared by a deploy and a rollback. The proxy's live config is the one truth
// of what serves: the switch is a single change of the app's upstream in Caddy (which lets in-flight requests
// finish), made only after the new version passed its health check. Until then the old version is untouched;
// after it the old one drains, then stops. A connection cut anywhere leaves one of the two serving, and
// `repair` (run first by every deploy and rollback) stops or removes whatever the cut left beside it.

import { HomeportError } from '../../../shared/errors.js'
import type { JobContext } from '../jobs/job-runner.js'
import { appServerConfig, appServerName, servedApps, upstreamId, type CaddyAdmin } from './caddy-admin.js'
import { KEEP_VERSIONS } from './deploy-names.js'
import { waitHealthy } from './health-gate.js'
import { readServed, versionContainers, writeServed, type VersionContainer } from './kept-versions.js'
import type { DeployServer } from './proxy.js'

/** How long the old version keeps running after the switch, for requests Caddy already sent it. */
export const DRAIN_MS = 3_000

export interface RepairResult {
  serving?: VersionContainer
  versions: VersionContainer[]
  served: string[]
  port?: number
}

async function removeVersion(srv: DeployServer, v: Pick<VersionContainer, 'id' | 'image'>): Promise<void> {
  await srv.docker.getContainer(v.id).remove({ force: true }).catch(() => {})
  await srv.docker.getImage(v.image).remove().catch(() => {})
}

/** Brings the app back to "one version serving, the kept ones stopped" after a cut-off deploy or rollback. */
export async function repair(srv: DeployServer, admin: CaddyAdmin, app: string, log: (line: string) => void): Promise<RepairResult> {
  const entry = (await servedApps(admin)).find((a) => a.app === app)
  const containers = await versionContainers(srv.docker, srv.proxyName, app)
  const serving = containers.find((c) => c.name === entry?.upstream)
  let served = await readServed(srv.session, app)
  // Switched to, but cut off before it was recorded.
  if (serving && !served.includes(serving.version)) {
    served = [...served, serving.version]
    await writeServed(srv.session, app, served)
  }
  const versions: VersionContainer[] = []
  for (const c of containers) {
    if (c === serving) {
      if (!c.running) {
        log(`Starting ${c.version} again: the proxy sends ${app}'s traffic to it`)
        await srv.docker.getContainer(c.id).start().catch(() => {})
      }
      versions.push(c)
    } else if (!served.includes(c.version)) {
      log(`Removing ${c.version}: it was started by a deploy that did not finish and never served`)
      await removeVersion(srv, c)
    } else {
      if (c.running) {
        log(`Stopping ${c.version}: it no longer serves`)
        await srv.docker.getContainer(c.id).stop({ t: 10 }).catch(() => {})
      }
      versions.push(c)
    }
  }
  return { ...(serving ? { serving } : {}), versions, served, ...(entry ? { port: entry.port } : {}) }
}

export interface SwitchTarget {
  app: string
  version: string
  container: string
  port: number
  appPort: number
  health: { path?: string; timeout: number }
}

/**
 * Checks `target` (already started), then switches the app's traffic to it and stops the version that served.
 * A failed check throws HEALTH_CHECK_FAILED with the new version's log; nothing else was changed.
 */
export async function checkAndSwitch(srv: DeployServer, admin: CaddyAdmin, target: SwitchTarget, ctx: JobContext, previous?: VersionContainer): Promise<void> {
  ctx.step(`Checking the health of ${target.version}`)
  const verdict = await waitHealthy(srv.session, srv.docker, { container: target.container, network: srv.proxyName, port: target.appPort, timeoutSeconds: target.health.timeout, ...(target.health.path ? { path: target.health.path } : {}) }, ctx.signal)
  if (!verdict.healthy) {
    throw new HomeportError('HEALTH_CHECK_FAILED', `${target.app} ${target.version} did not pass its health check on ${srv.server}: ${verdict.reason}. ${previous ? `${previous.version} keeps serving.` : 'Nothing served it before, so nothing serves it now.'}`, {
      details: verdict.logs || '(the new version wrote nothing to its log)',
    })
  }
  ctx.log(`${target.version} is healthy: ${verdict.how}`)
  ctx.signal.throwIfAborted()
  ctx.step(`Switching ${target.app} to ${target.version}`)
  const dial = `${target.container}:${target.appPort}`
  const entry = (await servedApps(admin)).find((a) => a.app === target.app)
  if (!entry || entry.port !== target.port) await admin.must('POST', `/config/apps/http/servers/${appServerName(target.app)}`, appServerConfig(target.app, target.port, dial))
  else await admin.must('PATCH', `/id/${upstreamId(target.app)}/upstreams`, [{ dial }])
  await writeServed(srv.session, target.app, [...(await readServed(srv.session, target.app)), target.version])
  ctx.log(`Port ${target.port} on ${srv.server} now serves ${target.version}`)
  if (previous && previous.name !== target.container) {
    ctx.step(`Stopping ${previous.version} once its requests have finished`)
    await new Promise((r) => setTimeout(r, DRAIN_MS))
    await srv.docker.getContainer(previous.id).stop({ t: 10 }).catch(() => {})
  }
}

/** Keeps the serving version and the newest others up to KEEP_VERSIONS; returns the versions removed. */
export async function prune(srv: DeployServer, app: string, servingVersion: string): Promise<string[]> {
  const containers = await versionContainers(srv.docker, srv.proxyName, app)
  const served = await readServed(srv.session, app)
  const keep = new Set([servingVersion, ...containers.filter((c) => c.version !== servingVersion && served.includes(c.version)).slice(0, KEEP_VERSIONS - 1).map((c) => c.version)])
  const removed: string[] = []
  for (const c of containers) {
    if (keep.has(c.version) || c.running) continue
    await removeVersion(srv, c)
    removed.push(c.version)
  }
  if (removed.length) await writeServed(srv.session, app, served.filter((v) => keep.has(v)))
  return removed
}
