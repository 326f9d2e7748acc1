// The Add-repository form's fields turned into the contract's target (another Homeport server: its id and an optional folder there), and the host key an SFTP host showed
// when the core refused it as not yet trusted.

import type { RepositoryKind, RepositoryTargetInput } from '../../../../../shared/contract/index.js'
import type { HomeportError } from '../../../../../shared/errors.js'

export interface RepositoryFields {
  kind: RepositoryKind
  path: string
  host: string
  port: number
  user: string
  endpoint: string
  bucket: string
  prefix: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  caCert: string
  /** homeport: the other server's id. */
  server: string
}

export function emptyRepositoryFields(): RepositoryFields {
  return { kind: 'local', path: '', host: '', port: 22, user: '', endpoint: '', bucket: '', prefix: '', region: '', accessKeyId: '', secretAccessKey: '', caCert: '', server: '' }
}

/**
 * "HOST" or "HOST:PORT" (an IPv6 address only as "[ADDR]:PORT" when it has a port): where this server reaches
 * another Homeport server, when not at the address Homeport uses. Empty: nothing, the core's default.
 */
export function hostAndPort(text: string): { host?: string; port?: number } {
  const t = text.trim()
  if (!t) return {}
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(t) ?? (t.split(':').length === 2 ? /^([^:]+):(\d+)$/.exec(t) : null)
  if (!m) return { host: t }
  return { host: m[1], ...(m[2] ? { port: Number(m[2]) } : {}) }
}

/** The target for `backups.repoAdd`; an SFTP host key is passed once the user accepted it. */
export function targetOf(f: RepositoryFields, hostKey?: string): RepositoryTargetInput {
  if (f.kind === 'local') return { kind: 'local', path: f.path.trim() }
  if (f.kind === 'homeport') return { kind: 'homeport', server: f.server, ...(f.path.trim() ? { path: f.path.trim() } : {}), ...hostAndPort(f.host) }
  if (f.kind === 'sftp') return { kind: 'sftp', host: f.host.trim(), port: f.port, user: f.user.trim(), path: f.path.trim(), ...(hostKey ? { hostKey } : {}) }
  return {
    kind: 's3',
    endpoint: f.endpoint.trim(),
    bucket: f.bucket.trim(),
    prefix: f.prefix.trim(),
    accessKeyId: f.accessKeyId.trim(),
    secretAccessKey: f.secretAccessKey,
    ...(f.region.trim() ? { region: f.region.trim() } : {}),
    ...(f.caCert.trim() ? { caCert: f.caCert.trim() } : {}),
  }
}

/** The fingerprint an unknown SFTP host presented (`HOST_KEY_UNKNOWN`), for the user to compare and accept. */
export function presentedHostKey(error: HomeportError | undefined): string | undefined {
  if (error?.code !== 'HOST_KEY_UNKNOWN') return undefined
  return /SHA256:[A-Za-z0-9+/]{43}/.exec(`${error.details ?? ''} ${error.message}`)?.[0]
}
