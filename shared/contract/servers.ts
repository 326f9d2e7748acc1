// Servers: adding, pinning host keys, connecting and testing; the app's own facts and ~/.ssh/config hosts.

import { z } from 'zod'
import type { ErrorInfo } from '../errors.js'
import { event, method, out } from './define.js'

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

export interface ServerTestResult {
  name: string
  hostKey: string
  latencyMs: number
  docker: { version: string; apiVersion: string; socket: string; transport: 'stream-local' | 'dial-stdio' }
}

export interface AppInfoDto {
  version: string
  /** Where secrets go: the OS keychain, or memory only when no keychain answers. */
  secretStore: 'keychain' | 'memory'
  dataDir: string
  /** Why secrets are in memory, when the keychain was tried and did not answer (the `secrets.warning` event's words). */
  secretsWarning?: SecretsWarningDto
}

export interface KeyFileCheck {
  /** The absolute path (`~` expanded), as it is stored. */
  path: string
  /** The key is protected by a passphrase (which, when given, unlocks it). */
  encrypted: boolean
}

export interface SecretsWarningDto {
  message: string
  hint: string
  /** The keychain's own error. */
  details?: string
}

const fingerprint = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'must be an OpenSSH SHA256 fingerprint such as SHA256:abc…(43 characters)')

const name = z
  .string()
  .min(1, 'is required')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may use letters, digits, dot, dash and underscore, and must start with a letter or digit')

const host = z
  .string()
  .min(1, 'is required')
  .max(253)
  .regex(/^[^\s@/]+$/, 'must be a host name or IP address without spaces, "@" or "/"')

export const ServerAddInput = z
  .object({
    name,
    host: host.optional(),
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().min(1).max(64).regex(/^[^\s:@]+$/, 'must not contain spaces, ":" or "@"').optional(),
    /** Take host, port, user, identity file and jump hosts from this ~/.ssh/config Host alias. */
    sshConfigHost: z.string().min(1).optional(),
    authMethod: z.enum(['agent', 'key', 'password', 'keyboard-interactive']),
    identityFile: z.string().min(1).optional(),
    /** Password (password/keyboard-interactive) or key passphrase (key); goes to the keychain only. */
    secret: z.string().optional(),
    proxyJump: z.string().min(1).optional(),
    /** Pin this key; the connection is refused if the server presents another. */
    hostKey: fingerprint.optional(),
    /** Accept whatever key the server presents now and pin it (CLI --trust-on-first-use). */
    trustOnFirstUse: z.boolean().optional(),
  })
  .refine((v) => v.host || v.sshConfigHost, { message: 'host is required (or pick a Host from ~/.ssh/config)', path: ['host'] })

export const ServerRef = z.object({ id: z.string().min(1) })
/** Every per-server method of the other domains takes the server as `serverId` (an id or a name). */
export const serverId = z.string().min(1)
export const ServerIdInput = z.object({ serverId })

export const serversContract = {
  'app.info': method(z.object({}), out<AppInfoDto>()),

  'servers.list': method(z.object({}), out<ServerDto[]>()),
  'servers.add': method(ServerAddInput, out<ServerDto>()),
  'servers.remove': method(ServerRef, out<void>()),
  /** Look up a server by id or name. */
  'servers.get': method(ServerRef, out<ServerDto>()),
  'servers.probeHostKey': method(
    z.object({ host, port: z.number().int().min(1).max(65535).default(22), proxyJump: z.string().optional(), sshConfigHost: z.string().optional() }),
    out<HostKeyProbe>(),
  ),
  /**
   * Checks a private key file on this computer before anything connects: KEY_INVALID when it is missing or
   * not a private key, PASSPHRASE_REQUIRED / KEY_INVALID when a passphrase is needed or does not unlock it.
   */
  'servers.checkKeyFile': method(z.object({ path: z.string().min(1), passphrase: z.string().optional() }), out<KeyFileCheck>()),
  'servers.replaceHostKey': method(z.object({ id: z.string().min(1), hostKey: fingerprint }), out<ServerDto>()),
  'servers.connect': method(ServerRef, out<ServerStateEvent>()),
  'servers.disconnect': method(ServerRef, out<void>()),
  'servers.test': method(ServerRef, out<ServerTestResult>()),
  'servers.states': method(z.object({}), out<ServerStateEvent[]>()),

  'sshConfig.hosts': method(z.object({}), out<SshConfigHostDto[]>()),
} as const

export const serversEvents = {
  'server.state': event<ServerStateEvent>(),
  'secrets.warning': event<SecretsWarningDto>(),
} as const
