// Docker on one server, through that server's one SSH session: finds the socket on first use, keeps one
// Dockerode over the tunnel for the life of the session, and offers the few calls the window and CLI need.
// Other parts of the core (apps, terminals, files) take the Docker API from `docker()`: errors mapped, reads
// retried after a drop (docker-access.ts). The Dockerode itself never leaves this folder.

import type { ContainerDto, DockerInfoDto } from '../../../shared/contract/index.js'
import type { SshSession } from '../connection/types.js'
import { waitForServer } from '../connection/wait-for-server.js'
import { ContainerWatch, type ContainersListener } from './container-watch.js'
import { intentsFor } from './container-intents.js'
import { dockerAccess, type Docker } from './docker-access.js'
import { createDockerClient, type DockerClient } from './docker-client.js'
import { toContainerDto } from './container-dto.js'

export { toContainerDto }
import { toDockerError } from './docker-errors.js'
import { endpointCacheKey, type EndpointCache } from './endpoint-cache.js'
import { discoverDockerEndpoint } from './socket-discovery.js'
import { HomeportError } from '../../../shared/errors.js'

export interface DockerServiceOptions {
  /** Name used in messages (defaults to the session's server id). */
  serverName?: string
  connectionTimeoutMs?: number
  /** How long a read cut by a dropped connection waits for the session before it fails (20 s). */
  readRetryWaitMs?: number
  /** Where the socket was found last time; without it every connection looks for it afresh. */
  endpointCache?: EndpointCache
}

export class DockerService {
  readonly session: SshSession
  private readonly options: DockerServiceOptions
  private client: Promise<DockerClient & { access: Docker }> | undefined
  private readonly watch: ContainerWatch
  private closed = false

  constructor(session: SshSession, options: DockerServiceOptions = {}) {
    this.session = session
    this.options = options
    this.watch = new ContainerWatch({
      session,
      docker: () => this.docker(),
      list: () => this.listContainers({ all: true }),
      listByIds: async (ids) => {
        const client = await this.getClient()
        const list = await this.named('read containers', client.access.listContainers({ all: true, filters: { id: ids } }))
        // Docker matches an id filter as a prefix: keep only the containers asked for.
        const asked = new Set(ids)
        return list.filter((c) => asked.has(c.Id)).map(toContainerDto)
      },
      toError: (err) => toDockerError(err, this.serverName, 'watch containers'),
    })
  }

  get serverName(): string {
    return this.options.serverName ?? this.session.serverId
  }

  /** The Docker API over the tunnel; finds the socket and picks the transport on first use. */
  async docker(): Promise<Docker> {
    return (await this.getClient()).access
  }

  /** Opens channels ahead of a burst of requests (DockerClient.openChannels). */
  async openChannels(count: number): Promise<void> {
    await (await this.getClient()).openChannels(count)
  }

  async info(opts: { counts?: boolean } = {}): Promise<DockerInfoDto> {
    const client = await this.getClient()
    // Each request beyond the first needs a channel of its own, opened only once asked for: a round trip more.
    const [version, info] = await this.named('read the engine version', Promise.all([client.access.version(), opts.counts === false ? undefined : client.access.info()]))
    return {
      version: version.Version,
      apiVersion: version.ApiVersion,
      socket: client.socket,
      transport: client.transport,
      ...(version.Os ? { os: version.Os } : {}),
      ...(version.Arch ? { arch: version.Arch } : {}),
      ...(typeof info?.Containers === 'number' ? { containers: info.Containers } : {}),
      ...(typeof info?.Images === 'number' ? { images: info.Images } : {}),
    }
  }

  async listContainers(opts: { all?: boolean } = {}): Promise<ContainerDto[]> {
    const client = await this.getClient()
    const list = await this.named('list containers', client.access.listContainers({ all: opts.all ?? true }))
    return list.map(toContainerDto)
  }

  /**
   * Sends a patch with the containers each burst of Docker's events named, and the whole list after a
   * reconnect. Resolves once Docker's event stream is open; the returned function unsubscribes.
   */
  watchContainers(listener: ContainersListener): Promise<() => void> {
    return this.watch.add(listener)
  }

  close(): void {
    this.closed = true
    this.watch.stop()
    const client = this.client
    this.client = undefined
    client?.then((c) => c.destroy(), () => undefined)
  }

  private getClient(): Promise<DockerClient & { access: Docker }> {
    if (this.closed) return Promise.reject(toDockerError(new Error('Docker access was closed'), this.serverName, 'reach Docker'))
    if (!this.client) {
      const connectionTimeoutMs = this.options.connectionTimeoutMs
      const created = (async () => {
        const clientOptions = { serverName: this.serverName, ...(connectionTimeoutMs !== undefined ? { connectionTimeoutMs } : {}) }
        const client = (await this.clientFromCache(clientOptions)) ?? (await this.discoverClient(clientOptions))
        const onContainerStopping = (ref: string) => intentsFor(this.session).note(ref)
        // A read cut by a drop waits this long for the session, then fails with the reason it is out of reach.
        const awaitServer = () => waitForServer(this.session, Date.now() + (this.options.readRetryWaitMs ?? 20_000))
        return { ...client, access: dockerAccess(client.docker, this.serverName, { onContainerStopping, awaitServer }) }
      })()
      this.client = created
      // A failed discovery (Docker down, user not yet in the group) is looked for again on the next call.
      created.catch(() => {
        if (this.client === created) this.client = undefined
      })
    }
    return this.client
  }

  private cacheKey(): string | undefined {
    const fingerprint = this.session.hostKey?.fingerprint
    return this.options.endpointCache && fingerprint ? endpointCacheKey(fingerprint, this.session.description ?? this.session.serverId) : undefined
  }

  /**
   * The socket found last time, tried first: the channel that serves the first call is the check. Refused
   * (the socket moved, the engine is down, the user lost access): forgotten, and looked for afresh.
   */
  private async clientFromCache(clientOptions: { serverName: string; connectionTimeoutMs?: number }): Promise<DockerClient | undefined> {
    const key = this.cacheKey()
    const cached = key ? this.options.endpointCache?.get(key) : undefined
    if (!key || !cached) return undefined
    try {
      // No dial-stdio fallback here: a refused socket means discovery must say what is wrong.
      return await createDockerClient(this.session, { ...cached, canDialStdio: false }, clientOptions)
    } catch (err) {
      if (!(err instanceof HomeportError && err.code === 'DOCKER_DOWN')) throw err
      await this.options.endpointCache?.forget(key).catch(() => undefined)
      return undefined
    }
  }

  private async discoverClient(clientOptions: { serverName: string; connectionTimeoutMs?: number }): Promise<DockerClient> {
    const endpoint = await discoverDockerEndpoint(this.session, this.serverName)
    const client = await createDockerClient(this.session, endpoint, clientOptions)
    const key = this.cacheKey()
    // Only a socket reached by a stream-local channel is remembered: that channel is what verifies it next time.
    if (key && client.transport === 'stream-local') await this.options.endpointCache?.set(key, endpoint).catch(() => undefined)
    return client
  }

  /** Words a failure with the action as the window and CLI name it. */
  private async named<T>(action: string, call: Promise<T>): Promise<T> {
    try {
      return await call
    } catch (err) {
      throw toDockerError(err, this.serverName, action)
    }
  }
}

const services = new WeakMap<SshSession, DockerService>()

/** The one DockerService of a session, created on first use and closed with the session. */
export function dockerServiceFor(session: SshSession, options: DockerServiceOptions = {}): DockerService {
  let service = services.get(session)
  if (!service) {
    const created = new DockerService(session, options)
    services.set(session, created)
    session.once('closed', () => {
      created.close()
      if (services.get(session) === created) services.delete(session)
    })
    service = created
  }
  return service
}
