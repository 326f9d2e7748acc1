// Executes an AppPlan against the engine. Every step that changes the server is first written to the run's
// journal (and the caller persists it) and only then sent, and everything the run creates carries the run's
// label. Services that do not depend on each other go out together, their steps in one journal write
// (apply-schedule.ts); the result lists them in the plan's order whatever finished first. A container to recreate or to remove is stopped and moved aside rather than deleted, so until the
// run commits nothing that was there before is gone. A failure throws as it is: the caller undoes the run
// from the journal (rollback.ts), in this process or, if this one is cut off, at the next connect.

import type Docker from 'dockerode'
import type { ComposeProject } from '../types.js'
import { COMPOSE_VERSION_LABEL, LABEL, containerSpec } from './container-spec.js'
import type { EnvFromFiles } from './env-files.js'
import { asideName, RUN_LABEL, type EngineJournal, type EngineStep } from './journal.js'
import { allSettledOrThrow, coalescedRecord, isCoalesced, runInDependencyOrder, runSignal } from './apply-schedule.js'
import { dependencies, type AppPlan, type PlannedContainer } from './plan.js'
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

export async function applyPlan(docker: Docker, project: ComposeProject, plan: AppPlan, given: ApplyOptions): Promise<ApplyResult> {
  const run = runSignal(given.signal)
  try {
    return await applyWith(docker, project, plan, { ...given, signal: run.signal })
  } finally {
    run.done()
  }
}

async function applyWith(docker: Docker, project: ComposeProject, plan: AppPlan, opts: ApplyOptions): Promise<ApplyResult> {
  const emit = opts.onEvent ?? (() => {})
  const { journal } = opts
  const runLabel = { [RUN_LABEL]: journal.runId }
  const record = opts.record
  // A caller's writer that coalesces already (the app's run) is used as it is, so its first write carries these steps too.
  const persist = record && isCoalesced(record) ? () => record(journal) : coalescedRecord(record && (() => record(journal)))
  /** Written down (with whatever else is written down in this turn) before the caller goes on to send it. */
  const step = async (...steps: EngineStep[]) => {
    journal.steps.push(...steps)
    await persist()
  }

  // Each image once, all at once: pulls depend on nothing but the registry.
  const pulls = [...new Map(plan.images.filter((i) => i.pull).map((i) => [i.image, i])).values()]
  checkCancelled(opts.signal)
  await allSettledOrThrow(
    pulls.map((img) => pullImage(docker, img.image, { signal: opts.signal, requested: project.services[img.service]?.image, onProgress: (p) => emit({ phase: 'pull', ...p }) })),
  )
  checkCancelled(opts.signal)

  // Networks and volumes depend on nothing: written down in the same write as the first containers, then created together.
  const networks = plan.networks.filter((x) => x.action === 'create')
  const volumes = plan.volumes.filter((x) => x.action === 'create')
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
  const networksReady = (async () => {
    if (networks.length + volumes.length === 0) return
    await step(...networks.map((n): EngineStep => ({ op: 'create-network', name: n.name })), ...volumes.map((v): EngineStep => ({ op: 'create-volume', name: v.name })))
    await allSettledOrThrow([...networks.map(createNetwork), ...volumes.map(createVolume)])
  })()
  // Not left unhandled while no container waits for it; the containers' run passes its failure on.
  networksReady.catch(() => undefined)

  /** Stops a container that was there before and moves it out of its name's way (a stopped one answers 304). */
  const moveAside = async (id: string, name: string, grace: number) => {
    await docker.getContainer(id).stop({ t: grace }).catch(ignoreNotModified)
    await docker.getContainer(id).rename({ name: asideName(name) })
  }
  const asideSteps = (id: string, name: string, grace: number): EngineStep[] => [
    { op: 'stop', id, name, graceSeconds: grace, at: Date.now() },
    { op: 'move-aside', id, name },
  ]

  const ids: Record<string, string> = {}
  for (const c of plan.containers) if (c.id && c.action !== 'remove') ids[c.service] = c.id
  /** Services this run started: a start that succeeded already meets service_started. */
  const startedHere = new Set<string>()
  const done = new Set<string>()

  /** Writes the create down, then creates the container and joins its other networks; only the start is left. */
  const create = async (planned: PlannedContainer, guard: () => void) => {
    const service = project.services[planned.service]
    const envFromFiles = opts.envFromFiles[planned.service] ?? {}
    const spec = containerSpec({ project, service, image: opts.images[planned.service], configHash: opts.hashes[planned.service], envFromFiles, containerIds: ids, runId: journal.runId })
    const grace = graceSeconds(service.stopGracePeriodNs)
    const recreate = planned.action === 'recreate'
    await step(...(recreate ? asideSteps(planned.id!, planned.name, grace) : []), { op: 'create-container', service: planned.service, name: spec.name })
    guard()
    if (recreate) await moveAside(planned.id!, planned.name, grace)
    await networksReady
    const container = await docker.createContainer({ name: spec.name, ...spec.body })
    for (const n of spec.extraNetworks) {
      await docker.getNetwork(n.name).connect({ Container: container.id, EndpointConfig: { Aliases: n.aliases, ...(n.ipv4Address ? { IPAMConfig: { IPv4Address: n.ipv4Address } } : {}) } })
    }
    return container
  }
  // A new container that needs its dependencies only started waits for them only to start: it is created
  // beside them, unless it joins a dependency's network namespace (it needs that container's id). One that
  // waits for a dependency to be healthy or done is created only once it is.
  const early = new Map<string, Promise<Awaited<ReturnType<typeof create>>>>()
  const createsEarly = (planned: PlannedContainer) => {
    const service = project.services[planned.service]
    return planned.action === 'create' && service.networkMode.kind !== 'service' && dependencies(project, planned.service).length > 0 && Object.values(service.dependsOn).every((d) => d.condition === 'service_started')
  }
  for (const planned of plan.containers) {
    if (!createsEarly(planned)) continue
    const created = create(planned, () => checkCancelled(opts.signal))
    created.catch(() => undefined)
    early.set(planned.service, created)
  }
  try {
    await runInDependencyOrder(
      plan.containers.filter((c) => c.action !== 'remove'),
      (c) => c.service,
      (c) => dependencies(project, c.service),
      async (planned, stopIfFailed) => {
        const guard = () => {
          checkCancelled(opts.signal)
          stopIfFailed()
        }
        const service = project.services[planned.service]
        for (const [dep, d] of Object.entries(service.dependsOn)) {
          if (!ids[dep] || (d.condition === 'service_started' && startedHere.has(dep))) continue
          emit({ phase: 'wait', service: planned.service, condition: `${dep} ${d.condition}` })
          await waitForCondition(docker, ids[dep], d.condition, { timeoutMs: opts.waitTimeoutMs, signal: opts.signal, label: dep })
          guard()
        }
        if (planned.action === 'keep') return
        if (planned.action === 'start') {
          emit({ phase: 'container', service: planned.service, name: planned.name, action: 'start', status: 'begin' })
          await step({ op: 'start', id: planned.id!, name: planned.name })
          await docker.getContainer(planned.id!).start().catch(ignoreNotModified)
          startedHere.add(planned.service)
          done.add(planned.service)
          emit({ phase: 'container', service: planned.service, name: planned.name, action: 'start', status: 'done' })
          return
        }
        emit({ phase: 'container', service: planned.service, name: planned.name, action: planned.action, status: 'begin' })
        const container = await (early.get(planned.service) ?? create(planned, guard))
        guard()
        await container.start().catch(ignoreNotModified)
        ids[planned.service] = container.id
        startedHere.add(planned.service)
        if (opts.verify) {
          emit({ phase: 'wait', service: planned.service, condition: 'healthy after start' })
          await waitForCondition(docker, container.id, service.healthcheck && !service.healthcheck.disabled ? 'service_healthy' : 'service_running', { ...opts.verify, signal: opts.signal, label: planned.service })
        }
        done.add(planned.service)
        emit({ phase: 'container', service: planned.service, name: planned.name, action: planned.action, status: 'done' })
      },
    )
  } finally {
    // A create sent early settles before a failure goes on to the rollback, as every other step does.
    await Promise.allSettled(early.values())
  }
  await networksReady

  // Containers no longer in the compose file go aside too, together; the commit deletes them with the replaced ones.
  const removals = plan.containers.filter((c) => c.action === 'remove')
  await allSettledOrThrow(
    removals.map(async (planned) => {
      checkCancelled(opts.signal)
      emit({ phase: 'container', service: planned.service, name: planned.name, action: 'remove', status: 'begin' })
      await step(...asideSteps(planned.id!, planned.name, 10))
      await moveAside(planned.id!, planned.name, 10)
      emit({ phase: 'container', service: planned.service, name: planned.name, action: 'remove', status: 'done' })
    }),
  )

  // In the plan's order, whichever finished first.
  const names = (action: PlannedContainer['action']) => plan.containers.filter((c) => c.action === action && (action === 'remove' || done.has(c.service))).map((c) => c.name)
  return { created: names('create'), recreated: names('recreate'), started: names('start'), removed: names('remove') }
}
