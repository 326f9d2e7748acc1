// The real connection engine and Docker service, as createCore uses them unless told otherwise. Both load
// their modules (ssh2, dockerode and what they pull in) on first use: a command that never connects, such as
// `homeport server list`, does not pay for them.

import { openEarlyTcp } from '../connection/early-tcp.js'
import type { ConnectionManager, PresentedHostKey, SshSession, SshTarget } from '../connection/types.js'
import type { DockerServiceFactory, DockerServiceLike } from '../docker/docker-service-shape.js'
import { Lazy } from './lazy.js'
import type { Logger } from './types.js'

/** Loads the engine on the first call that needs a connection; until then there is nothing to get or close. */
class LazyConnectionManager implements ConnectionManager {
  private readonly engine: Lazy<ConnectionManager>

  constructor(load: () => Promise<ConnectionManager>) {
    this.engine = new Lazy(load)
  }

  async acquire(serverId: string, target: () => Promise<SshTarget>): Promise<SshSession> {
    if (this.engine.loaded) return this.engine.loaded.acquire(serverId, target)
    // The first connection: TCP connects while the engine loads.
    const resolved = await target()
    if (!resolved.jumps?.length) openEarlyTcp(resolved.host, resolved.port)
    return (await this.engine.get()).acquire(serverId, async () => resolved)
  }

  release(serverId: string): void {
    this.engine.loaded?.release(serverId)
  }

  get(serverId: string): SshSession | undefined {
    return this.engine.loaded?.get(serverId)
  }

  async probeHostKey(target: Pick<SshTarget, 'host' | 'port' | 'jumps'>): Promise<PresentedHostKey> {
    return (await this.engine.get()).probeHostKey(target)
  }

  async knownHostsLookup(host: string, port: number): Promise<PresentedHostKey[]> {
    return (await this.engine.get()).knownHostsLookup(host, port)
  }

  async closeAll(): Promise<void> {
    await (await this.engine.settled())?.closeAll()
  }
}

export function defaultConnectionManager(opts: { log: Logger; knownHostsPath?: string }): ConnectionManager {
  return new LazyConnectionManager(async () => {
    const { SshConnectionManager } = await import('../connection/connection-manager.js')
    // A connection is nearly always for Docker: load it while the SSH handshake waits on the network.
    void import('../docker/docker-service.js').catch(() => {})
    return new SshConnectionManager({ log: opts.log, ...(opts.knownHostsPath ? { knownHostsPath: opts.knownHostsPath } : {}) })
  })
}

/**
 * The session's one Docker service (shared with apps and files); it closes with the session. With a data
 * dir, where each server's Docker socket was found is remembered there, so the next connection skips looking.
 */
export const defaultDockerFactory = (dataDir?: string): DockerServiceFactory => (session, serverName) => {
  const service = new Lazy(async (): Promise<DockerServiceLike> => {
    const [{ dockerServiceFor }, { fileEndpointCache }] = await Promise.all([import('../docker/docker-service.js'), import('../docker/endpoint-cache.js')])
    return dockerServiceFor(session, { serverName, ...(dataDir ? { endpointCache: fileEndpointCache(dataDir) } : {}) })
  })
  return {
    info: async (opts) => (await service.get()).info(opts),
    listContainers: async (opts) => (await service.get()).listContainers(opts),
    watchContainers: async (onChange) => (await service.get()).watchContainers(onChange),
    docker: async () => (await service.get()).docker(),
    openChannels: async (count) => (await service.get()).openChannels?.(count),
    close: async () => (await service.settled())?.close?.(),
  }
}
