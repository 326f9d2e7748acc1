// What every apps operation works on, from a server id: the server's one SSH session, the SSH user's facts
// (home, uid/gid, timezone) and its Docker API, asked for only by the operations that need Docker.

import type { SshSession } from '../connection/types.js'
import type { Docker } from '../docker/docker-access.js'
import { serverFacts, type ServerFacts } from './app-paths.js'

export interface AppServer {
  serverId: string
  session: SshSession
  facts: ServerFacts
  docker(): Promise<Docker>
}

/** How the apps domain reaches a server; supplied when the core is assembled. */
export interface ServerAccess {
  session(serverId: string): Promise<SshSession>
  docker(serverId: string): Promise<Docker>
  /** Opens channels to Docker ahead of a burst of requests, so each costs one round trip, not two. */
  dockerChannels?(serverId: string, count: number): Promise<void>
}

export async function appServer(access: ServerAccess, serverId: string): Promise<AppServer> {
  const session = await access.session(serverId)
  return { serverId, session, facts: await serverFacts(session), docker: () => access.docker(serverId) }
}
