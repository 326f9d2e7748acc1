// An in-memory stand-in for the few Docker Engine calls the plan/apply engine makes, for unit tests of the
// engine's own logic (order, rollback, listeners). It keeps containers, networks and volumes as the engine
// would (names unique, 409 on a clash, 404 when missing, 304 when stopping a stopped container), records
// every call that changes something, and can fail a chosen call once. The real engine is exercised by the
// integration tests; this one only has to be faithful where the engine's logic depends on the answers.

import type Docker from 'dockerode'
import { loadCompose } from '../load.js'
import type { ComposeProject } from '../types.js'

/** How a container made from an image behaves once started. */
export interface ImageBehaviour {
  id: string
  /** Exits at once with this code instead of running. */
  exitsWith?: number
  /** Health reported by inspect; `healthyAfterInspects` turns `starting` into `healthy` after that many. */
  health?: 'starting' | 'healthy' | 'unhealthy'
  healthyAfterInspects?: number
  /** The healthcheck runs inspect reports (exit code and output). */
  healthLog?: { ExitCode: number; Output: string }[]
}

export interface FakeContainer {
  id: string
  name: string
  labels: Record<string, string>
  env: string[]
  imageId: string
  running: boolean
  exitCode: number
  health?: 'starting' | 'healthy' | 'unhealthy'
  healthLog?: { ExitCode: number; Output: string }[]
  inspectsUntilHealthy: number
}

class EngineError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(`(HTTP code ${statusCode}) ${message}`)
  }
}

type LabelFilter = { filters?: { label?: string[] } }
type CreateBody = { name: string; Image: string; Labels: Record<string, string>; Env?: string[] }

function matches(labels: Record<string, string>, opts?: LabelFilter): boolean {
  return (opts?.filters?.label ?? []).every((f) => {
    const [key, value] = f.split('=')
    return value === undefined ? key in labels : labels[key] === value
  })
}

export class FakeEngine {
  /** Every call that changes the engine, in order: `create web`, `rename web → web-old`, `remove net x`… */
  readonly calls: string[] = []
  readonly containers = new Map<string, FakeContainer>()
  readonly networks = new Map<string, Record<string, string>>()
  readonly volumes = new Map<string, Record<string, string>>()
  /** Image reference → what it is; a pull of an unknown reference fails with 404. */
  readonly registry = new Map<string, ImageBehaviour>()
  /** Pulled (or present) image reference → image id. */
  readonly images = new Map<string, string>()
  private readonly failures = new Map<string, Error>()
  private readonly lostAnswers = new Map<string, number>()
  private nextId = 1

  /** The next call recorded as `call` fails with `message` (once). */
  failOnce(call: string, message = `${call} failed`): void {
    this.failures.set(call, new EngineError(500, message))
  }

  /**
   * The next `call` reaches the engine but its answer is lost with the connection: the caller gets "socket
   * hang up" at once, while the engine carries the call out `afterMs` later (a slow stop, say).
   */
  loseAnswerOnce(call: string, afterMs: number): void {
    this.lostAnswers.set(call, afterMs)
  }

  /** A container already on the server, as an earlier install left it. */
  seedContainer(c: Partial<FakeContainer> & { name: string; labels: Record<string, string>; imageId: string }): FakeContainer {
    const container: FakeContainer = { id: `seed-${this.nextId++}`, env: [], running: true, exitCode: 0, inspectsUntilHealthy: 0, ...c }
    this.containers.set(container.id, container)
    return container
  }

  /** What is left, for end-state assertions: sorted names, each container with whether it runs. */
  snapshot(): { containers: string[]; networks: string[]; volumes: string[] } {
    return {
      containers: [...this.containers.values()].map((c) => `${c.name} ${c.running ? 'running' : 'stopped'}`).sort(),
      networks: [...this.networks.keys()].sort(),
      volumes: [...this.volumes.keys()].sort(),
    }
  }

  private record(call: string): void {
    const failure = this.failures.get(call)
    if (failure) {
      this.failures.delete(call)
      throw failure
    }
    this.calls.push(call)
  }

  /** Runs `effect` now, or later behind a lost answer when the call was chosen for that. */
  private async carryOut(call: string, effect: () => void): Promise<void> {
    const after = this.lostAnswers.get(call)
    if (after === undefined) return effect()
    this.lostAnswers.delete(call)
    setTimeout(effect, after)
    throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
  }

  private find(idOrName: string): FakeContainer {
    const found = this.containers.get(idOrName) ?? [...this.containers.values()].find((c) => c.name === idOrName)
    if (!found) throw new EngineError(404, `No such container: ${idOrName}`)
    return found
  }

  private container(idOrName: string) {
    return {
      id: idOrName,
      inspect: async () => {
        const c = this.find(idOrName)
        if (c.running && c.health === 'starting' && --c.inspectsUntilHealthy <= 0) c.health = 'healthy'
        const status = c.running ? 'running' : 'exited'
        const health = c.health ? { Health: { Status: c.health, Log: c.healthLog ?? [] } } : {}
        return { Id: c.id, Name: `/${c.name}`, Image: c.imageId, Config: { Labels: c.labels }, RestartCount: 0, State: { Running: c.running, Restarting: false, Status: status, ExitCode: c.exitCode, ...health } }
      },
      start: async () => {
        const c = this.find(idOrName)
        if (c.running) throw new EngineError(304, 'container already started')
        this.record(`start ${c.name}`)
        const image = [...this.registry.values()].find((i) => i.id === c.imageId)
        if (image?.exitsWith !== undefined) c.exitCode = image.exitsWith
        else c.running = true
      },
      stop: async () => {
        const c = this.find(idOrName)
        if (!c.running) throw new EngineError(304, 'container already stopped')
        this.record(`stop ${c.name}`)
        await this.carryOut(`stop ${c.name}`, () => void (c.running = false))
      },
      rename: async ({ name }: { name: string }) => {
        const c = this.find(idOrName)
        if ([...this.containers.values()].some((o) => o.name === name)) throw new EngineError(409, `name ${name} is in use`)
        this.record(`rename ${c.name} → ${name}`)
        c.name = name
      },
      remove: async () => {
        const c = this.find(idOrName)
        this.record(`remove ${c.name}`)
        this.containers.delete(c.id)
      },
    }
  }

  private async createContainer({ name, Image, Labels, Env }: CreateBody) {
    if ([...this.containers.values()].some((c) => c.name === name)) throw new EngineError(409, `name ${name} is in use`)
    const imageId = this.images.get(Image)
    if (!imageId) throw new EngineError(404, `No such image: ${Image}`)
    this.record(`create ${name}`)
    const image = [...this.registry.values()].find((i) => i.id === imageId)
    const c: FakeContainer = { id: `c${this.nextId++}`, name, labels: Labels, env: Env ?? [], imageId, running: false, exitCode: 0, health: image?.health, healthLog: image?.healthLog, inspectsUntilHealthy: image?.healthyAfterInspects ?? 0 }
    this.containers.set(c.id, c)
    return this.container(c.id)
  }

  private async pull(ref: string) {
    const image = this.registry.get(ref)
    if (!image) throw new EngineError(404, `manifest for ${ref} not found`)
    this.record(`pull ${ref}`)
    this.images.set(ref, image.id)
    return { destroy: () => {} }
  }

  /** Typed as dockerode for the engine's signatures; only the calls above exist. */
  readonly docker = {
    pull: (ref: string) => this.pull(ref),
    modem: {
      followProgress: (_stream: unknown, done: (err: Error | null, output: unknown[]) => void, onProgress: (e: unknown) => void) => {
        setImmediate(() => {
          onProgress({ status: 'Downloading', id: 'layer', progressDetail: { current: 1, total: 2 } })
          onProgress({ status: 'Pull complete', id: 'layer' })
          done(null, [])
        })
      },
    },
    getImage: (ref: string) => ({
      inspect: async () => {
        const id = this.images.get(ref)
        if (!id) throw new EngineError(404, `No such image: ${ref}`)
        return { Id: id }
      },
    }),
    createContainer: (body: CreateBody) => this.createContainer(body),
    getContainer: (idOrName: string) => this.container(idOrName),
    listContainers: async (opts?: LabelFilter) =>
      [...this.containers.values()]
        .filter((c) => matches(c.labels, opts))
        .map((c) => ({ Id: c.id, Names: [`/${c.name}`], Labels: c.labels, ImageID: c.imageId, State: c.running ? 'running' : 'exited' })),
    createNetwork: async ({ Name, Labels }: { Name: string; Labels: Record<string, string> }) => {
      if (this.networks.has(Name)) throw new EngineError(409, `network ${Name} already exists`)
      this.record(`create network ${Name}`)
      this.networks.set(Name, Labels)
    },
    getNetwork: (name: string) => ({
      id: name,
      connect: async () => this.record(`connect ${name}`),
      remove: async () => {
        if (!this.networks.has(name)) throw new EngineError(404, `network ${name} not found`)
        this.record(`remove network ${name}`)
        this.networks.delete(name)
      },
    }),
    listNetworks: async (opts?: LabelFilter) => [...this.networks].filter(([, labels]) => matches(labels, opts)).map(([Name, Labels]) => ({ Name, Labels })),
    createVolume: async ({ Name, Labels }: { Name: string; Labels: Record<string, string> }) => {
      if (this.volumes.has(Name)) throw new EngineError(409, `volume ${Name} already exists`)
      this.record(`create volume ${Name}`)
      this.volumes.set(Name, Labels)
    },
    getVolume: (name: string) => ({
      remove: async () => {
        if (!this.volumes.has(name)) throw new EngineError(404, `volume ${name} not found`)
        this.record(`remove volume ${name}`)
        this.volumes.delete(name)
      },
    }),
    listVolumes: async (opts?: LabelFilter) => ({ Volumes: [...this.volumes].filter(([, labels]) => matches(labels, opts)).map(([Name, Labels]) => ({ Name, Labels })) }),
  } as unknown as Docker
}

/** A compose text as the engine's tests use it: project `shop` in `/srv/shop`. */
export function shopProject(yamlText: string): ComposeProject {
  return loadCompose({ yamlText, projectName: 'shop', projectDir: '/srv/shop' }).project
}
