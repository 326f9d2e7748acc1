// The install dialog's own fields: the app's name (the Compose project on the server) and, for a pasted
// compose file, its .env lines and, when it builds images, the folder on this computer its `build:` paths
// start from. The variables' fields are apps/components/variable-fields.ts.

import { appName } from '../../../../../shared/contract/index.js'

export function appNameError(name: string): string | undefined {
  const result = appName.safeParse(name)
  return result.success ? undefined : `The app name ${result.error.issues[0]?.message ?? 'is not valid'}`
}

/** Catalog ids may hold capitals or dots; the Compose project name may not. */
export function defaultAppName(id: string): string {
  const name = id
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63)
  return name || 'app'
}

/** `KEY=value` lines (a .env file) into values; blank lines and # comments are skipped. */
export function parseEnvLines(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim()
  }
  return out
}

/** A pasted compose file with a service that builds its image (`build:` as a key of a service). */
export function composeBuilds(compose: string): boolean {
  return /^\s+build:/m.test(compose)
}

/** A pasted compose file whose top-level `secrets:` takes one from a `file:`, found beside the compose file. */
export function composeReadsSecretFiles(compose: string): boolean {
  const section = /^secrets:[ \t]*\r?\n((?:[ \t]+.*\r?\n?|[ \t]*\r?\n)*)/m.exec(compose)?.[1] ?? ''
  return /^\s+file:/m.test(section)
}

/** The folder of the compose file is needed to build images or to read secret files beside it. */
export function composeNeedsFolder(compose: string): boolean {
  return composeBuilds(compose) || composeReadsSecretFiles(compose)
}

/** The build folder must be a full path on this computer: the window has no folder of its own to start from. */
export function buildDirError(dir: string): string | undefined {
  if (!dir.trim()) return 'Give the folder of the compose file on this computer; build: paths and secret files start from it'
  return dir.trim().startsWith('/') || /^[A-Za-z]:[\\/]/.test(dir.trim()) ? undefined : 'Give the full path, starting with /'
}
