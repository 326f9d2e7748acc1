// What the rest of the core sees of an SSH connection. Docker, SFTP, the agent and port forwards are
// all channels on one ssh2 Client per server; a session outlives reconnects, so holders keep using it.

import type { EventEmitter } from 'node:events'
import type { Duplex } from 'node:stream'
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2'
import type { AuthMethod, ConnectionState } from '../../../shared/contract/index.js'

/** One hop: the final server or a jump host. Secrets are fetched lazily so they never sit in config objects. */
export interface SshTarget {
  host: string
  port: number
  user: string
  authMethod: AuthMethod
  identityFile?: string
  /** Password or key passphrase, from the keychain or a prompt. */
  getSecret?: () => Promise<string | undefined>
  /** Pinned `SHA256:` fingerprint; when set, any other key is refused before authentication. */
  hostKey?: string
  /** Jump hosts, outermost first (OpenSSH ProxyJump order). */
  jumps?: SshTarget[]
  /**
   * Asked when no key is pinned and ~/.ssh/known_hosts has no entry for host:port. Resolve true to accept;
   * the caller pins it. Absent → the connection fails with HOST_KEY_UNKNOWN.
   */
  confirmHostKey?: (key: PresentedHostKey) => Promise<boolean>
  /** ssh-agent socket for `agent` auth; defaults to SSH_AUTH_SOCK. */
  agentSocket?: string
}

export interface PresentedHostKey {
  host: string
  port: number
  algorithm: string
  /** `SHA256:` + unpadded base64 of sha256(key blob), exactly as ssh-keygen -l prints it. */
  fingerprint: string
}


export interface ExecResult {
  code: number
  signal?: string
  stdout: string
  stderr: string
}

export interface ExecOptions {
  stdin?: string | Buffer
  signal?: AbortSignal
  timeoutMs?: number
  /** Run through `sh -lc` so the remote user's profile (PATH, DOCKER_HOST) applies. */
  loginShell?: boolean
}

export interface SshSession extends EventEmitter {
  readonly serverId: string
  readonly state: ConnectionState
  /** Fingerprint the server presented on the current connection. */
  readonly hostKey?: { algorithm: string; fingerprint: string }
  /** `user@host:port`, for messages and for keys of what is remembered per login. */
  readonly description?: string
  /** Resolves with a live client, waiting through a reconnect if one is under way. */
  ready(): Promise<Client>
  /** argv is quoted by the one quoting function; never pass a shell string. */
  exec(argv: string[], opts?: ExecOptions): Promise<ExecResult>
  execStream(argv: string[], opts?: { pty?: boolean; loginShell?: boolean }): Promise<ClientChannel>
  /** A stream-local (unix socket) forward on the server: `direct-streamlocal@openssh.com`. */
  openStreamLocal(socketPath: string): Promise<Duplex>
  /** A TCP forward from the server to host:port as seen from the server. */
  openTcp(host: string, port: number): Promise<Duplex>
  sftp(): Promise<SFTPWrapper>
  close(): Promise<void>
  // events: 'state' (ServerStateEvent), 'reconnected' (), 'closed' ()
}

/** Owns the one session per server; sessions are ref-counted and closed when the last holder releases. */
export interface ConnectionManager {
  /** Returns the live (or connecting) session for serverId, creating it from `target` on first use. */
  acquire(serverId: string, target: () => Promise<SshTarget>): Promise<SshSession>
  release(serverId: string): void
  get(serverId: string): SshSession | undefined
  /** Connect only far enough to see the host key (no authentication), through jumps if given. */
  probeHostKey(target: Pick<SshTarget, 'host' | 'port' | 'jumps'>): Promise<PresentedHostKey>
  /** The key recorded for host:port in known_hosts, if any. */
  knownHostsLookup(host: string, port: number): Promise<PresentedHostKey[]>
  closeAll(): Promise<void>
  // events: 'state' (ServerStateEvent) for every session
}
