// Where each server's Docker socket was found, remembered between runs so a connection can go straight to
// it: looking for it costs an exec on the server (two round trips) before the first Docker call. An entry is
// keyed by the server's host key and login (`SHA256:… user@host:port`), so another machine behind the same
// address, or another user, looks afresh. It is verified lazily: the first channel to the socket is the
// check, and a refused one sends the caller back to discovery (docker-service.ts).

import { readFileSync } from 'node:fs'
import { rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { DockerEndpoint } from './socket-discovery.js'

export interface EndpointCache {
  get(key: string): DockerEndpoint | undefined
  set(key: string, endpoint: DockerEndpoint): Promise<void>
  forget(key: string): Promise<void>
}

const FILE = 'docker-endpoints.json'

function isEndpoint(value: unknown): value is DockerEndpoint {
  const e = value as Partial<DockerEndpoint> | null
  return typeof e?.socket === 'string' && typeof e.user === 'string' && typeof e.canDialStdio === 'boolean'
}

/** A JSON file in the data dir (mode 600); each write replaces it whole through a temporary name. */
export function fileEndpointCache(dataDir: string): EndpointCache {
  const path = join(dataDir, FILE)
  const read = (): Record<string, DockerEndpoint> => {
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
      return Object.fromEntries(Object.entries(parsed).filter(([, v]) => isEndpoint(v))) as Record<string, DockerEndpoint>
    } catch {
      return {}
    }
  }
  const write = async (entries: Record<string, DockerEndpoint>) => {
    const temp = `${path}.${process.pid}.tmp`
    await writeFile(temp, JSON.stringify(entries, null, 1), { mode: 0o600 })
    await rename(temp, path)
  }
  return {
    get: (key) => read()[key],
    set: async (key, endpoint) => {
      const entries = read()
      if (JSON.stringify(entries[key]) === JSON.stringify(endpoint)) return
      await write({ ...entries, [key]: endpoint })
    },
    forget: async (key) => {
      const entries = read()
      if (!(key in entries)) return
      delete entries[key]
      await write(entries)
    },
  }
}

export function endpointCacheKey(hostKeyFingerprint: string, description: string): string {
  return `${hostKeyFingerprint} ${description}`
}
