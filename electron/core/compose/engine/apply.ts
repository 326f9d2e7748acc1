// Executes an AppPlan against the engine. Every step that changes the server is first written to the run's
// journal (and the caller persists it) and only then sent, and everything the run creates carries the run's
// label. A container to recreate or to remove is stopped and moved aside rather than deleted, so until the
// run commits nothing that was there before is gone. A failure throws as it is: the caller undoes the run
// from the journal (rollback.ts), in this process or, if this one is cut off, at the next connect.

import type Docker from 'dockerode'
import type { ComposeProject } from '../types.js'
import { COMPOSE_VERSION_LABEL, LABEL, containerSpec } from './container-spec.js'
import type { EnvFromFiles } from './env-files.js'
import { asideName, RUN_LABEL, type EngineJournal, type EngineStep } from './journal.js'
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
  /** The run's journal: steps are appended to it; `runId` labels what the run creates. */
  journal: EngineJournal
  /** Persists the journal; awaited after a step is appended and before the step is sent. */
  record?: (journal: EngineJournal) => Promise<void>
}

export interface ApplyResult {
  created: string[]
  recreated: string[]
  started: string[]
  removed: string[]
}

/** A fresh journal for a run of `plan`. */
export function newJournal(runId: string, plan: AppPlan): EngineJournal {
  return { runId, project: plan.project, before: plan.before, steps: [] }
}

function checkCancelled(signal?: AbortSignal) {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled')
}

/** "Already started" and "already stopped" (304) are the state asked for, not failures. */
export function ignoreNotModified(err: { statusCode?: number }): void {
  if (err?.statusCode !== 304) throw err
}

const graceSeconds = (ns: number | undefined) => (ns === undefined ? 10 : Math.round(ns / 1e9))

export async function applyPlan(docker: Docker, project: ComposeProject, plan: AppPlan, opts: ApplyOptions): Promise<ApplyResult> {
  const emit = opts.onEvent ?? (() => {})
  const { journal } = opts
  const runLabel = { [RUN_LABEL]: journal.runId }
  const step = async (s: EngineStep) => {
    journal.steps.push(s)
    await opts.record?.(journal)
  }
  const result: ApplyResult = { created: [], recreated: [], started: [], removed: [] }

  for (const img of plan.images.filter((i) => i.pull)) {
    checkCancelled(opts.signal)
    const requested = project.services[img.service]?.image
    await pullImage(docker, img.image, { signal: opts.signal, requested, onProgress: (p) => emit({ phase: 'pull', ...p }) })
  }
  // Networks and volumes depend on nothing: written down in one journal write, then created together.
  const networks = plan.networks.filter((x) => x.action === 'create')
  const volumes = plan.volumes.filter((x) => x.action === 'create')
  if (networks.length + volumes.length > 0) {
    checkCancelled(opts.signal)
    for (const n of networks) journal.steps.push({ op: 'create-network', name: n.name })
    for (const v of volumes) journal.steps.push({ op: 'create-volume', name: v.name })
    await opts.record?.(journal)
  }
  const createNetwork = async (n: (typeof networks)[number]) => {
    const spec = project.networks[n.key]
    await docker.createNetwork({
      Name: n.name,
      Driver: spec.driver ?? 'bridge',
      Options: spec.driverOpts,
      Internal: spec.internal,
      Attachable: spec.attachable,
      EnableIPv6: spec.enableIpv6,
      ...(spec.ipam ? { IPAM: { Driver: spec.ipam.driver ?? 'default', Config: spec.ipam.config.map((c) => ({ Subnet: c.subnet, IPRange: c.ipRange, Gateway: c.gateway })) } } : {}),
      Labels: { ...spec.labels, [LABEL.project]: project.name, [LABEL.network]: n.key, [LABEL.version]: COMPOSE_VERSION_LABEL, ...runLabel },
    })
    emit({ phase: 'network', name: n.name, action: 'create' })
  }
  const createVolume = async (v: (typeof volumes)[number]) => {
    const spec = project.volumes[v.key]
    await docker.createVolume({ Name: v.name, Driver: spec.driver ?? 'local', DriverOpts: spec.driverOpts, Labels: { ...spec.labels, [LABEL.project]: project.name, [LABEL.volume]: v.key, [LABEL.version]: COMPOSE_VERSION_LABEL, ...runLabel } })
    emit({ phase: 'volume', name: v.name, action: 'create' })
  }
  // Every creation settles before a failure is passed on, so the rollback never races one still under way.
  const created = await Promise.allSettled([...networks.map(createNetwork), ...volumes.map(createVolume)])
  const failed = created.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason

  /** Stops a container that was there before and moves it out of its name's way, both written down first. */
  const moveAside = async (id: string, name: string, grace: number) => {
    const info = await docker.getContainer(id).inspect()
    if (info.State.Running || info.State.Restarting) {
      await step({ op: 'stop', id, name, graceSeconds: grace, at: Date.now() })
      await docker.getContainer(id).stop({ t: grace }).catch(ignoreNotModified)
    }
    await step({ op: 'move-aside', id, name })
    await docker.getContainer(id).rename({ name: asideName(name) })
  }

  const ids: Record<string, string> = {}
  for (const c of plan.containers) if (c.id && c.action !== 'remove') ids[c.service] = c.id
  for (const planned of plan.containers) {
    checkCancelled(opts.signal)
    if (planned.action === 'remove') continue
    const service = project.services[planned.service]
    for (const [dep, d] of Object.entries(service.dependsOn)) {
      if (!ids[dep]) continue
      emit({ phase: 'wait', service: planned.service, condition: `${dep} ${d.condition}` })
      await waitForCondition(docker, ids[dep], d.condition, { timeoutMs: opts.waitTimeoutMs, signal: opts.signal, label: dep })
    }
    if (planned.action === 'keep') continue
    if (planned.action === 'start') {
      emit({ phase: 'container', service: planned.service, name: planned.name, action: 'start', status: 'begin' })
      await step({ op: 'start', id: planned.id!, name: planned.name })
      await docker.getContainer(planned.id!).start().catch(ignoreNotModified)
      result.started.push(planned.name)
      emit({ phase: 'container', service: planned.service, name: planned.name, action: 'start', status: 'done' })
      continue
    }
    emit({ phase: 'container', service: planned.service, name: planned.name, action: planned.action, status: 'begin' })
    if (planned.action === 'recreate') await moveAside(planned.id!, planned.name, graceSeconds(service.stopGracePeriodNs))
    const envFromFiles = opts.envFromFiles[planned.service] ?? {}
    const spec = containerSpec({ project, service, image: opts.images[planned.service], configHash: opts.hashes[planned.service], envFromFiles, containerIds: ids, runId: journal.runId })
    await step({ op: 'create-container', service: planned.service, name: spec.name })
    const container = await docker.createContainer({ name: spec.name, ...spec.body })
    for (const n of spec.extraNetworks) {
      await docker.getNetwork(n.name).connect({ Container: container.id, EndpointConfig: { Aliases: n.aliases, ...(n.ipv4Address ? { IPAMConfig: { IPv4Address: n.ipv4Address } } : {}) } })
    }
    await container.start().catch(ignoreNotModified)
    ids[planned.service] = container.id
    if (opts.verify) {
      emit({ phase: 'wait', service: planned.service, condition: 'healthy after start' })
      await waitForCondition(docker, container.id, service.healthcheck && !service.healthcheck.disabled ? 'service_healthy' : 'service_running', { ...opts.verify, signal: opts.signal, label: planned.service })
    }
    ;(planned.action === 'create' ? result.created : result.recreated).push(planned.name)
    emit({ phase: 'container', service: planned.service, name: planned.name, action: planned.action, status: 'done' })
  }
  // Containers no longer in the compose file go aside too; the commit deletes them with the replaced ones.
  for (const planned of plan.containers.filter((c) => c.action === 'remove')) {
    checkCancelled(opts.signal)
    emit({ phase: 'container', service: planned.service, name: planned.name, action: 'remove', status: 'begin' })
    await moveAside(planned.id!, planned.name, 10)
    result.removed.push(planned.name)
    emit({ phase: 'container', service: planned.service, name: planned.name, action: 'remove', status: 'done' })
  }
  return result
}
