// Helpers for the connection tests that the shared home-server helpers do not cover: the test server as an
// SSH target, pointing at the one TCP connection a session uses (its sshd processes, its local port) and
// counting ours.

import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Socket } from 'node:net'
import type { Client } from 'ssh2'
import type { SshTarget } from '../../../electron/core/connection/types.js'
import type { HomeServerInfo } from '../../homeserver/types.js'

const run = promisify(execFile)

export interface TargetOptions {
  port?: number
  /** Log in as this user with its password instead of the main user's ed25519 key. */
  passwordLogin?: { user: string; password: string }
}

/** The test server as a connection target, its host key pinned: the main user with the ed25519 key by default. */
export function targetFor(info: HomeServerInfo, opts: TargetOptions = {}): SshTarget {
  const base = { host: info.host, port: opts.port ?? info.sshPort, hostKey: info.hostKeyFingerprint }
  if (opts.passwordLogin) {
    const { user, password } = opts.passwordLogin
    return { ...base, user, authMethod: 'password', getSecret: async () => password }
  }
  return { ...base, user: info.user, authMethod: 'key', identityFile: info.keys.ed25519 }
}

export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > until) throw new Error(`Gave up waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The local TCP port of a live ssh2 client (test-only peek at its socket). */
export function localPortOf(client: Client): number {
  return (client as unknown as { _sock: Socket })._sock.localPort!
}

/** Established TCP connections from this test process to `port`. */
export async function ourConnectionsTo(port: number): Promise<number> {
  const { stdout } = await run('ss', ['-tnpH', 'state', 'established', `( dport = :${port} )`])
  return stdout.split('\n').filter((line) => line.includes(`pid=${process.pid},`)).length
}

/** Kills (SIGKILL) the sshd processes serving the connection that comes from local port `clientPort`. */
export async function killServerSide(sshPort: number, clientPort: number): Promise<number[]> {
  const { stdout } = await run('ss', ['-tnpH', 'state', 'established', `( sport = :${sshPort} and dport = :${clientPort} )`])
  const pids = [...stdout.matchAll(/"sshd[^"]*",pid=(\d+)/g)].map((m) => Number(m[1]))
  if (pids.length === 0) throw new Error(`No sshd process serves 127.0.0.1:${clientPort}`)
  for (const pid of new Set(pids)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch (err) {
      // Killing sshd's monitor can take its unprivileged child down first.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
    }
  }
  return [...new Set(pids)]
}
