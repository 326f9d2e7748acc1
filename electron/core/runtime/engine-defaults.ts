// The real connection engine and Docker service, as createCore uses them unless told otherwise.

import type { Logger } from './types.js'
import { SshConnectionManager } from '../connection/connection-manager.js'
import type { ConnectionManager } from '../connection/types.js'
import { dockerServiceFor } from '../docker/docker-service.js'
import type { DockerServiceFactory } from '../docker/docker-service-shape.js'

export function defaultConnectionManager(opts: { log: Logger; knownHostsPath?: string }): ConnectionManager {
  return new SshConnectionManager({ log: opts.log, ...(opts.knownHostsPath ? { knownHostsPath: opts.knownHostsPath } : {}) })
}

/** The session's one Docker service (shared with apps and files); it closes with the session. */
export const defaultDockerFactory: DockerServiceFactory = (session, serverName) => dockerServiceFor(session, { serverName })
