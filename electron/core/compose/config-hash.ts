import { createHash } from 'node:crypto'
import type { ComposeService } from './types.js'

/** JSON with object keys sorted at every level, so equal configurations give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * A stable SHA-256 of a normalised service, stored like Docker Compose's `com.docker.compose.config-hash`
 * label: a container whose label differs from the file's hash must be recreated. Key order and the
 * syntax the file used (short or long, list or map) do not change it.
 *
 * `envFromFiles` are the values read from the service's env_file entries: they are part of the container's
 * environment, so an edited env file changes the hash as an edited `environment:` does. They are merged
 * under the service's own environment, as the container gets them, so a service without env files hashes
 * as before.
 */
export function configHash(service: ComposeService, envFromFiles: Record<string, string> = {}): string {
  // How an image is built shows in the image it gives (a changed image recreates the container), not here.
  const { build: _build, ...rest } = service
  const effective = { ...rest, environment: { ...envFromFiles, ...service.environment } }
  return createHash('sha256').update(canonicalJson(effective)).digest('hex')
}
