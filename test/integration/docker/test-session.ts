// Opens a real SSH session to the test home server through Homeport's connection engine, pinned to the
// server's host key, for the Docker tests and the tunnel benchmark.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { SshConnectionManager } from '../../../electron/core/connection/index.js'
import type { SshSession } from '../../../electron/core/connection/types.js'
import { DockerService } from '../../../electron/core/docker/docker-service.js'
import { killSshConnections, removeTestContainers } from '../../homeserver/helpers.js'
import type { HomeServerInfo } from '../../homeserver/types.js'
import { targetFor, type TargetOptions } from '../connection/support.js'

export interface TestSession {
  session: SshSession
  manager: SshConnectionManager
  close(): Promise<void>
}

export interface TestSessionOptions extends TargetOptions {
  serverId?: string
}

export async function openTestSession(info: HomeServerInfo, opts: TestSessionOptions = {}): Promise<TestSession> {
  // An empty known_hosts of our own: the key is pinned, and ~/.ssh of this machine stays untouched.
  const dir = mkdtempSync(join(tmpdir(), 'homeport-docker-test-'))
  const manager = new SshConnectionManager({ knownHostsPath: join(dir, 'known_hosts') })
  const serverId = opts.serverId ?? `docker-test-${Math.random().toString(36).slice(2, 8)}`
  try {
    const session = await manager.acquire(serverId, async () => targetFor(info, opts))
    return {
      session,
      manager,
      async close() {
        await manager.closeAll()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (err) {
    await manager.closeAll()
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}


export interface DockerFixture {
  ssh: TestSession
  service: DockerService
}

/**
 * A DockerService over a test session of its own for the enclosing describe block; afterwards both are closed
 * and the containers, networks and volumes named with `prefix` are removed. Filled in by beforeAll.
 */
export function useDockerService(info: HomeServerInfo, prefix: string, opts: TestSessionOptions & { serverName?: string } = {}): DockerFixture {
  const fixture = {} as DockerFixture
  beforeAll(async () => {
    fixture.ssh = await openTestSession(info, opts)
    fixture.service = new DockerService(fixture.ssh.session, { serverName: opts.serverName ?? 'home' })
  })
  afterAll(async () => {
    fixture.service?.close()
    await fixture.ssh?.close()
    await removeTestContainers(prefix)
  })
  return fixture
}

/** Kills sshd's side of the live connections and waits until `session` has reconnected. */
export async function cutAndReconnect(session: SshSession): Promise<void> {
  const reconnected = new Promise<void>((resolve) => session.once('reconnected', () => resolve()))
  if ((await killSshConnections()) === 0) throw new Error('no SSH connection was there to cut')
  await reconnected
}
