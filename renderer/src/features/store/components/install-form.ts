// The install dialog's own fields: the app's name (the Compose project on the server) and, for a pasted
// compose file, its .env lines. The variables' fields are apps/components/variable-fields.ts.

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
