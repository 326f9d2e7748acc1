// Executes an AppPlan against the engine. Every step that changes the server is recorded, so a failure
// anywhere (a pull, a create, a dependency that never turns healthy, a dropped connection, a cancel) undoes
// what this run did and puts back the containers it replaced: the server ends as it was, or as planned.

import type Docker from 'dockerode'
import type { ComposeProject } from '../types.js'
import { COMPOSE_VERSION_LABEL, LABEL, containerSpec } from './container-spec.js'
import type { EnvFromFiles } from './env-files.js'
import type { AppPlan } from './plan.js'
import { pullImage, type PullProgress } from './pull.js'
import { waitForCondition, type WaitOptions } from './wait.js'

export type ApplyEvent =
  | ({ phase: 'pull' } & PullProgress)
  | { phase: 'network' | 'volume'; name: string; action: 'create' | 'remove' }
  | { phase: 'container'; service: string; name: string; action: 'create' | 'recreate' | 'start' | 'remove' | 'stop'; status: 'begin' | 'done' }
  | { phase: 'wait'; service: string; condition: string }
  | { phase: 'rollback'; message: string }

export interface ApplyOptions {
  images: Record<string, string>
  hashes: Record<string, string>
  signal?: AbortSignal
  onEvent?: (event: ApplyEvent) => void
  /** The env_file values the plan's hashes were computed from (`readEnvFiles`), so containers get what was planned. */
  envFromFiles: EnvFromFiles
  /** After a container is (re)created, require it to be healthy (or still running) before going on. */
  verify?: WaitOptions
  waitTimeoutMs?: number
}

export interface ApplyResult {
  created: string[]
  recreated: string[]
  started: string[]
  removed: string[]
}

const PREVIOUS_SUFFIX = '-homeport-previous'

interface Journal {
  containers: string[]
  networks: string[]
  volumes: string[]
  /** Containers moved aside for a recreate: restored on rollback, removed on success. */
  replaced: { id: string; name: string; wasRunning: boolean }[]
}

function checkCancelled(signal?: AbortSignal) {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled')
}

export async function applyPlan(docker: Docker, project: ComposeProject, plan: AppPlan, opts: ApplyOptions): Promise<ApplyResult> {
  const emit = opts.onEvent ?? (() => {})
  const journal: Journal = { containers: [], networks: [], volumes: [], replaced: [] }
  const result: ApplyResult = { created: [], recreated: [], started: [], removed: [] }
  try {
    for (const img of plan.images.filter((i) => i.pull)) {
      checkCancelled(opts.signal)
      await pullImage(docker, img.image, { signal: opts.signal, onProgress: (p) => emit({ phase: 'pull', ...p }) })
    }
    for (const n of plan.networks.filter((x) => x.action === 'create')) {
      checkCancelled(opts.signal)
      const spec = project.networks[n.key]
      await docker.createNetwork({
        Name: n.name,
        Driver: spec.driver ?? 'bridge',
        Options: spec.driverOpts,
        Internal: spec.internal,
        Attachable: spec.attachable,
        EnableIPv6: spec.enableIpv6,
        ...(spec.ipam ? { IPAM: { Driver: spec.ipam.driver ?? 'default', Config: spec.ipam.config.map((c) => ({ Subnet: c.subnet, IPRange: c.ipRange, Gateway: c.gateway })) } } : {}),
        Labels: { ...spec.labels, [LABEL.project]: project.name, [LABEL.network]: n.key, [LABEL.version]: COMPOSE_VERSION_LABEL },
      })
      journal.networks.push(n.name)
      emit({ phase: 'network', name: n.name, action: 'create' })
    }
    for (const v of plan.volumes.filter((x) => x.action === 'create')) {
      checkCancelled(opts.signal)
      const spec = project.volumes[v.key]
      await docker.createVolume({ Name: v.name, Driver: spec.driver ?? 'local', DriverOpts: spec.driverOpts, Labels: { ...spec.labels, [LABEL.project]: project.name, [LABEL.volume]: v.key, [LABEL.version]: COMPOSE_VERSION_LABEL } })
      journal.volumes.push(v.name)
      emit({ phase: 'volume', name: v.name, action: 'create' })
    }

    const ids: Record<string, string> = {}
    for (const c of plan.containers) if (c.id && c.action !== 'remove') ids[c.service] = c.id
    for (const step of plan.containers) {
      checkCancelled(opts.signal)
      if (step.action === 'remove') continue
      const service = project.services[step.service]
      for (const [dep, d] of Object.entries(service.dependsOn)) {
        if (!ids[dep]) continue
        emit({ phase: 'wait', service: step.service, condition: `${dep} ${d.condition}` })
        await waitForCondition(docker, ids[dep], d.condition, { timeoutMs: opts.waitTimeoutMs, signal: opts.signal, label: dep })
      }
      if (step.action === 'keep') continue
      if (step.action === 'start') {
        emit({ phase: 'container', service: step.service, name: step.name, action: 'start', status: 'begin' })
        await docker.getContainer(step.id!).start()
        result.started.push(step.name)
        emit({ phase: 'container', service: step.service, name: step.name, action: 'start', status: 'done' })
        continue
      }
      emit({ phase: 'container', service: step.service, name: step.name, action: step.action, status: 'begin' })
      if (step.action === 'recreate') {
        const old = docker.getContainer(step.id!)
        const info = await old.inspect()
        const wasRunning = info.State.Running
        if (wasRunning) await old.stop({ t: service.stopGracePeriodNs ? Math.round(service.stopGracePeriodNs / 1e9) : 10 }).catch(ignoreNotModified)
        await old.rename({ name: `${step.name}${PREVIOUS_SUFFIX}` })
        journal.replaced.push({ id: step.id!, name: step.name, wasRunning })
      }
      const envFromFiles = opts.envFromFiles[step.service] ?? {}
      const spec = containerSpec({ project, service, image: opts.images[step.service], configHash: opts.hashes[step.service], envFromFiles, containerIds: ids })
      const container = await docker.createContainer({ name: spec.name, ...spec.body })
      journal.containers.push(container.id)
      for (const n of spec.extraNetworks) {
        await docker.getNetwork(n.name).connect({ Container: container.id, EndpointConfig: { Aliases: n.aliases, ...(n.ipv4Address ? { IPAMConfig: { IPv4Address: n.ipv4Address } } : {}) } })
      }
      await container.start()
      ids[step.service] = container.id
      if (opts.verify) {
        emit({ phase: 'wait', service: step.service, condition: 'healthy after start' })
        await waitForCondition(docker, container.id, service.healthcheck && !service.healthcheck.disabled ? 'service_healthy' : 'service_running', { ...opts.verify, signal: opts.signal, label: step.service })
      }
      ;(step.action === 'create' ? result.created : result.recreated).push(step.name)
      emit({ phase: 'container', service: step.service, name: step.name, action: step.action, status: 'done' })
    }
    for (const step of plan.containers.filter((c) => c.action === 'remove')) {
      emit({ phase: 'container', service: step.service, name: step.name, action: 'remove', status: 'begin' })
      await docker.getContainer(step.id!).remove({ force: true })
      result.removed.push(step.name)
      emit({ phase: 'container', service: step.service, name: step.name, action: 'remove', status: 'done' })
    }
    for (const r of journal.replaced) await docker.getContainer(r.id).remove({ force: true }).catch(() => {})
    return result
  } catch (err) {
    emit({ phase: 'rollback', message: err instanceof Error ? err.message : String(err) })
    await rollback(docker, project.name, plan, journal)
    throw err
  }
}

function ignoreNotModified(err: { statusCode?: number }) {
  if (err?.statusCode !== 304) throw err
}

/**
 * Best effort, in reverse order; each step is independent so one failure does not stop the rest. Besides the
 * journal it sweeps the project's labels: a create whose answer was lost with the connection still left a
 * container (or network, volume) on the server that the journal never heard of.
 */
async function rollback(docker: Docker, project: string, plan: AppPlan, journal: Journal): Promise<void> {
  const keepIds = new Set(plan.containers.map((c) => c.id).filter(Boolean))
  const label = { label: [`${LABEL.project}=${project}`] }
  const strays = await docker.listContainers({ all: true, filters: label }).catch(() => [])
  const ids = new Set([...journal.containers, ...strays.filter((c) => !keepIds.has(c.Id)).map((c) => c.Id)])
  for (const id of [...ids].reverse()) await docker.getContainer(id).remove({ force: true, v: false }).catch(() => {})
  for (const r of [...journal.replaced].reverse()) {
    const old = docker.getContainer(r.id)
    await old.rename({ name: r.name }).catch(() => {})
    if (r.wasRunning) await old.start().catch(() => {})
  }
  const keptNetworks = new Set(plan.networks.filter((n) => n.action !== 'create').map((n) => n.name))
  const networks = await docker.listNetworks({ filters: label }).catch(() => [])
  const netNames = new Set([...journal.networks, ...networks.map((n) => n.Name).filter((n) => !keptNetworks.has(n))])
  for (const name of netNames) await docker.getNetwork(name).remove().catch(() => {})
  const keptVolumes = new Set(plan.volumes.filter((v) => v.action !== 'create').map((v) => v.name))
  const volumes = await docker.listVolumes({ filters: label }).catch(() => ({ Volumes: [] }))
  const volNames = new Set([...journal.volumes, ...(volumes.Volumes ?? []).map((v) => v.Name).filter((n) => !keptVolumes.has(n))])
  for (const name of volNames) await docker.getVolume(name).remove().catch(() => {})
}
