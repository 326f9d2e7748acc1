// Plain data that crosses the bridge. No classes, no functions: everything here survives structured
// clone (Electron IPC) and JSON (web host, CLI --json).

import type { ErrorInfo } from './errors.js'

export type AuthMethod = 'agent' | 'key' | 'password' | 'keyboard-interactive'

export interface ServerDto {
  id: string
  name: string
  host: string
  port: number
  user: string
  authMethod: AuthMethod
  identityFile?: string
  /** `Host` alias from ~/.ssh/config this server was created from, if any. */
  sshConfigHost?: string
  /** Comma-separated jump chain as in OpenSSH's ProxyJump (`user@host:port,…`). */
  proxyJump?: string
  /** Pinned host key, `SHA256:…` as `ssh-keygen -l` prints it. */
  hostKey?: string
  hostKeyAlgorithm?: string
  /** Whether a password/passphrase is stored for this server (never the secret itself). */
  hasSecret: boolean
  createdAt: string
}

export type ConnectionState = 'offline' | 'connecting' | 'ready' | 'reconnecting'

export interface ServerStateEvent {
  serverId: string
  state: ConnectionState
  attempt?: number
  /** Milliseconds until the next reconnect attempt, while reconnecting. */
  retryInMs?: number
  error?: ErrorInfo
}

export interface HostKeyProbe {
  host: string
  port: number
  algorithm: string
  fingerprint: string
  /** How this key relates to what we already trust for host:port. */
  status: 'pinned' | 'known_hosts' | 'unknown' | 'mismatch'
  /** The fingerprint we had, when status is `mismatch`. */
  expected?: string
}

export interface SshConfigHostDto {
  alias: string
  hostName: string
  port: number
  user?: string
  identityFile?: string
  proxyJump?: string
}

export interface DockerInfoDto {
  version: string
  apiVersion: string
  /** Socket path on the server, or `dial-stdio` when stream-local forwarding is forbidden. */
  socket: string
  transport: 'stream-local' | 'dial-stdio'
  os?: string
  arch?: string
  containers?: number
  images?: number
}

export interface PortDto {
  ip?: string
  privatePort: number
  publicPort?: number
  type: string
}

export interface ContainerDto {
  id: string
  name: string
  image: string
  state: string
  status: string
  ports: PortDto[]
  created: number
  labels: Record<string, string>
}

export interface ServerTestResult {
  name: string
  hostKey: string
  latencyMs: number
  docker: { version: string; apiVersion: string; socket: string; transport: 'stream-local' | 'dial-stdio' }
}

export interface ContainersEvent {
  serverId: string
  containers: ContainerDto[]
}

export type PromptKind = 'hostKey' | 'passphrase' | 'password'

export interface PromptRequest {
  id: string
  kind: PromptKind
  serverId?: string
  title: string
  message: string
  /** For hostKey prompts. */
  fingerprint?: string
  algorithm?: string
  host?: string
  port?: number
}

export interface AppInfoDto {
  version: string
  /** Where secrets go: the OS keychain, or memory only when no keychain answers. */
  secretStore: 'keychain' | 'memory'
  dataDir: string
}
