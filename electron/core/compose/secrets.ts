// `secrets:` as `docker compose` runs them without Swarm: each top-level secret is a file beside the compose
// file (or a variable of the app), copied into the app's folder on the server and bind-mounted read-only at
// `/run/secrets/<target>`. External secrets live only in a Swarm, so they are refused. The model keeps where
// a secret comes from and, once read, its SHA-256 — never its content.

import { posix } from 'node:path'
import { joinPath, type ProblemList } from './problems.js'
import type { ComposeProject, ComposeSecretSource, ComposeServiceSecret } from './types.js'
import { parseBool } from './units.js'

type Raw = Record<string, unknown>

/** Secrets' files sit in this folder of the app's folder on the server. */
export const SECRETS_DIR = 'secrets'

/** Compose's default for a secret's file: readable by its owner only. */
const DEFAULT_MODE = 0o400

/** Where the secret's file is on the server. */
export function secretServerPath(projectDir: string, name: string): string {
  return posix.join(projectDir, SECRETS_DIR, name)
}

/** Top-level `secrets:`; undefined when there are none. */
export function normaliseTopLevelSecrets(value: unknown, problems: ProblemList): Record<string, ComposeSecretSource> | undefined {
  if (value === undefined || value === null) return undefined
  const out: Record<string, ComposeSecretSource> = {}
  for (const [key, raw] of Object.entries(value as Raw)) {
    if (key.startsWith('x-')) continue
    const path = joinPath('secrets', key)
    const spec = (raw ?? {}) as Raw
    const external = spec.external !== null && typeof spec.external === 'object' ? true : parseBool(spec.external)
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(key)) problems.invalid(path, `secret name "${key}" must be letters, digits, ".", "_" or "-" (it becomes a file name)`)
    else if (external) problems.unsupported(joinPath(path, 'external'), 'external secrets exist only in Docker Swarm; give the secret a file: (or environment:) instead')
    else if (typeof spec.file === 'string' && spec.file !== '') out[key] = { file: spec.file }
    else if (typeof spec.environment === 'string' && spec.environment !== '') out[key] = { environment: spec.environment }
    else if (spec.content !== undefined) problems.unsupported(joinPath(path, 'content'), 'inline secret content is not supported; put it in a file and give file:')
    else problems.invalid(path, 'a secret needs file: (a path beside the compose file) or environment: (a variable name)')
  }
  return Object.keys(out).length ? out : undefined
}

/** Compose writes modes in octal (`0440`); YAML may have read them as decimal digits or as the number itself. */
function octalMode(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined
  const text = String(value)
  if (/^0?[0-7]{1,4}$/.test(text)) return parseInt(text, 8)
  if (/^0o[0-7]{1,4}$/i.test(text)) return parseInt(text.slice(2), 8)
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o7777 ? value : undefined
}

/** A service's `secrets:`, short (`[name]`) or long (`{source, target, mode}`); undefined when it has none. */
export function normaliseServiceSecrets(value: unknown, path: string, problems: ProblemList): ComposeServiceSecret[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined
  const out: ComposeServiceSecret[] = []
  value.forEach((item, index) => {
    const itemPath = joinPath(joinPath(path, 'secrets'), index)
    const spec: Raw = typeof item === 'string' ? { source: item } : ((item ?? {}) as Raw)
    const source = typeof spec.source === 'string' ? spec.source : ''
    if (!source) return problems.invalid(itemPath, 'a secret needs source: (the name of a top-level secret)')
    const target = typeof spec.target === 'string' && spec.target !== '' ? spec.target : source
    if (!target.startsWith('/') && (target.includes('/') || target === '..' || target === '.')) {
      return problems.invalid(joinPath(itemPath, 'target'), `secret target "${target}" must be a file name (placed under /run/secrets/) or an absolute path`)
    }
    for (const key of ['uid', 'gid'] as const) {
      if (spec[key] !== undefined) problems.warn(joinPath(itemPath, key), `${key} is ignored without Swarm; the file belongs to the SSH user on the server`)
    }
    const mode = octalMode(spec.mode)
    if (spec.mode !== undefined && mode === undefined) problems.invalid(joinPath(itemPath, 'mode'), `"${String(spec.mode)}" is not a file mode (use e.g. 0440)`)
    const absolute = target.startsWith('/') ? target : `/run/secrets/${target}`
    if (out.some((o) => o.target === absolute)) return problems.invalid(itemPath, `two secrets use the same container path ${absolute}`)
    // A secret is never writable, and its owner must read it to copy it in.
    out.push({ source, target: absolute, mode: ((mode ?? DEFAULT_MODE) & 0o444) | 0o400 })
  })
  return out.length ? out : undefined
}

/** Every service secret must name a top-level secret, and may not land where a mount of the service does. */
export function checkServiceSecrets(project: ComposeProject, problems: ProblemList): void {
  for (const service of Object.values(project.services)) {
    const path = joinPath(joinPath('services', service.name), 'secrets')
    for (const s of service.secrets ?? []) {
      if (!project.secrets?.[s.source]) problems.invalid(path, `uses secret "${s.source}", which is not defined under the top-level secrets:`)
      if (service.mounts.some((m) => m.target === s.target)) problems.invalid(path, `secret path ${s.target} is also a mount of the service`)
    }
  }
}

/** The secrets the services use, each with the mode its file gets on the server (the widest any use asks for). */
export function usedSecrets(project: ComposeProject): Map<string, { source: ComposeSecretSource; mode: number; services: string[] }> {
  const used = new Map<string, { source: ComposeSecretSource; mode: number; services: string[] }>()
  for (const service of Object.values(project.services)) {
    for (const s of service.secrets ?? []) {
      const source = project.secrets?.[s.source]
      if (!source) continue
      const entry = used.get(s.source) ?? { source, mode: 0, services: [] }
      entry.mode |= s.mode
      if (!entry.services.includes(service.name)) entry.services.push(service.name)
      used.set(s.source, entry)
    }
  }
  return used
}

/** Records each secret's SHA-256 on the services that use it, so the config hash follows its content. */
export function attachSecretDigests(project: ComposeProject, digests: Record<string, string>): void {
  for (const service of Object.values(project.services)) {
    for (const s of service.secrets ?? []) {
      if (digests[s.source]) s.sha256 = digests[s.source]
    }
  }
}
