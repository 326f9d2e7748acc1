// Opens a real SSH session to the test home server through Homeport's connection engine, pinned to the
// server's host key, for the Docker tests and the tunnel benchmark.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SshConnectionManager } from '../../../electron/core/connection/index.js'
import type { SshSession, SshTarget } from '../../../electron/core/connection/types.js'
import type { HomeServerInfo } from '../../homeserver/types.js'

export interface TestSession {
  session: SshSession
  manager: SshConnectionManager
  close(): Promise<void>
}

export interface TestSessionOptions {
  port?: number
  /** Log in as this user with its password instead of the main user's ed25519 key. */
  passwordLogin?: { user: string; password: string }
  serverId?: string
}

export function targetFor(info: HomeServerInfo, opts: TestSessionOptions = {}): SshTarget {
  const base = { host: info.host, port: opts.port ?? info.sshPort, hostKey: info.hostKeyFingerprint }
  if (opts.passwordLogin) {
    const { user, password } = opts.passwordLogin
    return { ...base, user, authMethod: 'password', getSecret: async () => password }
  }
  return { ...base, user: info.user, authMethod: 'key', identityFile: info.keys.ed25519 }
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

