// Live connections as the core holds them: at most one reference per server (the connection engine
// ref-counts across holders), the Docker service on it, container watches per front-end client, and
// state changes forwarded as `server.state` events.

import type { ContainerDto, ServerStateEvent } from '../../../shared/contract/index.js'
import { HomeportError, toErrorInfo } from '../../../shared/errors.js'
import type { EventSink, Logger } from '../runtime/types.js'
import { outsideActions } from '../connection/round-trips.js'
import type { ConnectionManager, SshSession, SshTarget } from '../connection/types.js'
import type { DockerServiceFactory, DockerServiceLike } from '../docker/docker-service-shape.js'

interface Held {
  session: SshSession
  docker?: DockerServiceLike
  onState: (event: ServerStateEvent) => void
  /** clientId set watching this server, and the stop function of the one underlying watch. */
  watchers: Set<string>
  stopWatch?: Promise<() => void>
}

export interface SessionsDeps {
  connections: ConnectionManager
  dockerFactory: DockerServiceFactory
  events: EventSink
  log: Logger
  /** Builds the connection target for a server (secrets fetched lazily inside). */
  targetFor: (serverId: string) => Promise<SshTarget>
  serverName: (serverId: string) => string
  /** Told when a connection is held (connected and ready) and when it is let go, for monitoring. */
  lifecycle?: { held(serverId: string, session: SshSession): void; dropped(serverId: string): void }
}

export class Sessions {
  private readonly held = new Map<string, Held>()
  private readonly opening = new Map<string, Promise<Held>>()

  constructor(private readonly deps: SessionsDeps) {}

  async session(serverId: string): Promise<SshSession> {
    return (await this.hold(serverId)).session
  }

  private hold(serverId: string): Promise<Held> {
    const existing = this.held.get(serverId)
    if (existing) return Promise.resolve(existing)
    let opening = this.opening.get(serverId)
    if (!opening) {
      opening = this.open(serverId).finally(() => this.opening.delete(serverId))
      this.opening.set(serverId, opening)
    }
    return opening
  }

  private async open(serverId: string): Promise<Held> {
    const session = await this.deps.connections.acquire(serverId, () => this.deps.targetFor(serverId))
    const onState = (event: ServerStateEvent) => this.deps.events.emit('server.state', event)
    session.on('state', onState)
    const held: Held = { session, onState, watchers: new Set() }
    this.held.set(serverId, held)
    try {
      await session.ready()
    } catch (err) {
      await this.drop(serverId)
      throw err
    }
    // What the core then starts by itself is not the round trips of the call that connected.
    outsideActions(() => this.deps.lifecycle?.held(serverId, session))
    return held
  }

  async connect(serverId: string): Promise<ServerStateEvent> {
    try {
      const held = await this.hold(serverId)
      return { serverId, state: held.session.state }
    } catch (err) {
      const event: ServerStateEvent = { serverId, state: 'offline', error: toErrorInfo(err) }
      this.deps.events.emit('server.state', event)
      throw err
    }
  }

  state(serverId: string): ServerStateEvent {
    const session = this.held.get(serverId)?.session ?? this.deps.connections.get(serverId)
    return { serverId, state: session?.state ?? 'offline' }
  }

  async docker(serverId: string): Promise<DockerServiceLike> {
    const held = await this.hold(serverId)
    held.docker ??= this.deps.dockerFactory(held.session, this.deps.serverName(serverId))
    return held.docker
  }

  /** Latency of one round trip over the live connection: a no-op command on the server. */
  async roundTripMs(serverId: string): Promise<number> {
    const session = await this.session(serverId)
    const started = performance.now()
    const result = await session.exec(['true'], { timeoutMs: 15_000 })
    const elapsed = performance.now() - started
    if (result.code !== 0) {
      throw new HomeportError('INTERNAL', `The round-trip check on the server exited with code ${result.code}.`, { details: result.stderr })
    }
    return Math.round(elapsed * 100) / 100
  }

  async watch(serverId: string, clientId: string): Promise<ContainerDto[]> {
    const docker = await this.docker(serverId)
    const held = this.held.get(serverId)!
    held.watchers.add(clientId)
    held.stopWatch ??= Promise.resolve(
      docker.watchContainers({
        list: (containers) => this.deps.events.emit('docker.containers', { serverId, containers }),
        patch: ({ changed, removed }) => this.deps.events.emit('docker.containersPatch', { serverId, changed, removed }),
      }),
    ).catch((err: unknown) => {
      held.stopWatch = undefined
      throw err
    })
    await held.stopWatch
    return docker.listContainers({ all: true })
  }

  async unwatch(serverId: string, clientId: string): Promise<void> {
    const held = this.held.get(serverId)
    if (!held || !held.watchers.delete(clientId) || held.watchers.size > 0) return
    await this.stopWatch(held)
  }

  /** A front end went away: end every watch it held. */
  async forgetClient(clientId: string): Promise<void> {
    for (const serverId of [...this.held.keys()]) await this.unwatch(serverId, clientId)
  }

  private async stopWatch(held: Held): Promise<void> {
    const stop = held.stopWatch
    held.stopWatch = undefined
    held.watchers.clear()
    if (stop) (await stop.catch(() => () => undefined))()
  }

  /** Stops watches, closes the Docker service and releases this core's reference to the connection. */
  async drop(serverId: string): Promise<void> {
    const held = this.held.get(serverId)
    if (!held) return
    this.held.delete(serverId)
    this.deps.lifecycle?.dropped(serverId)
    await this.stopWatch(held)
    try {
      await held.docker?.close?.()
    } catch (err) {
      this.deps.log.warn('docker service did not close cleanly', { serverId, error: err instanceof Error ? err.message : String(err) })
    }
    held.session.off('state', held.onState)
    this.deps.connections.release(serverId)
    this.deps.events.emit('server.state', { serverId, state: 'offline' })
  }

  async closeAll(): Promise<void> {
    for (const serverId of [...this.held.keys()]) await this.drop(serverId)
  }
}
