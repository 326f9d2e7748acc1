// The values an app is installed with: what the user typed, the catalog's defaults, random passwords for
// secret variables, and what the server itself supplies (TZ, PUID, PGID, the app's folder…). They are
// written to the app's .env on the server, where `docker compose` reads the same values.

import { randomBytes } from 'node:crypto'
import { posix } from 'node:path'
import { HomeportError } from '../../../shared/errors.js'
import { closestName } from '../../../shared/names.js'
import { parseDotenv } from '../compose/index.js'
import { ProblemList } from '../compose/problems.js'
import type { CatalogVariable } from './catalog/types.js'
import { appsRoot, type ServerFacts } from './app-paths.js'

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'

/** Letters and digits only, so the value needs no quoting in .env, YAML or a URL. */
export function randomPassword(length = 24): string {
  const bytes = randomBytes(length * 2)
  let out = ''
  for (const b of bytes) {
    if (b < 256 - (256 % ALPHABET.length)) out += ALPHABET[b % ALPHABET.length]
    if (out.length === length) break
  }
  return out
}

export function hostValues(facts: ServerFacts, app: string, hostname = 'homeserver'): Record<string, string> {
  const dir = posix.join(appsRoot(facts), app)
  return {
    TZ: facts.timezone,
    PUID: String(facts.uid),
    PGID: String(facts.gid),
    AppID: app,
    APP_DATA_DIR: dir,
    UMBREL_ROOT: posix.dirname(appsRoot(facts)),
    DEVICE_HOSTNAME: hostname,
    DEVICE_DOMAIN_NAME: `${hostname}.local`,
    APP_DOMAIN: `${hostname}.local`,
  }
}

export interface ResolvedValues {
  values: Record<string, string>
  /** Names of the values that are secrets (to keep in the keychain, never to log). */
  secrets: string[]
}

export function resolveValues(
  variables: CatalogVariable[],
  given: Record<string, string>,
  host: Record<string, string>,
  previous: Record<string, string> = {},
): ResolvedValues {
  const values: Record<string, string> = {}
  const secrets: string[] = []
  const problems: string[] = []
  for (const v of variables) {
    if (v.host) {
      if (host[v.name] !== undefined) values[v.name] = host[v.name]
      continue
    }
    // A secret generated at install is kept on update: regenerating a database password would lock the app out.
    let value = given[v.name] ?? previous[v.name] ?? v.default ?? (v.secret ? randomPassword() : undefined)
    if (value === undefined) value = ''
    if (v.type === 'port' && !(Number.isInteger(Number(value)) && Number(value) >= 1 && Number(value) <= 65535)) {
      problems.push(`${v.name} (${v.label}) must be a port number from 1 to 65535, not "${value}"`)
    }
    if (v.type === 'boolean' && !['true', 'false'].includes(value)) problems.push(`${v.name} (${v.label}) must be true or false, not "${value}"`)
    if (v.type === 'select' && v.options && !v.options.includes(value)) problems.push(`${v.name} (${v.label}) must be one of ${v.options.join(', ')}`)
    if (/[\r\n]/.test(value)) problems.push(`${v.name} (${v.label}) must be a single line`)
    values[v.name] = value
    if (v.secret) secrets.push(v.name)
  }
  for (const [k, value] of Object.entries(given)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) problems.push(`"${k}" is not a variable name`)
    else if (!(k in values)) values[k] = value
  }
  for (const [k, value] of Object.entries(host)) if (!(k in values)) values[k] = value
  if (problems.length) {
    throw new HomeportError('INVALID_INPUT', `Invalid app settings: ${problems[0]}.`, { hint: 'Correct the values named here and try again.', details: problems.join('\n') })
  }
  return { values, secrets }
}

/**
 * A value for a name the app does not use is a typo more often than not (`WEBPORT=8080` leaves the port at its
 * default): refused, naming the names it does use and the closest one.
 */
export function refuseUnknownValues(app: string, given: Record<string, string>, known: readonly string[]): void {
  const unknown = Object.keys(given).filter((k) => !known.includes(k))
  if (!unknown.length) return
  const guess = closestName(unknown[0], known)
  const list = known.length ? `Its settings: ${known.join(', ')}.` : 'It has no settings.'
  throw new HomeportError('INVALID_INPUT', `"${unknown[0]}" is not a setting of ${app}.${guess ? ` Did you mean ${guess}?` : ''} ${list}`, {
    hint: 'Set only the settings named here (check the spelling), or leave the value out.',
    cliHint: 'Pass --env only with the names listed here (check the spelling).',
    ...(unknown.length > 1 ? { details: `Unknown: ${unknown.join(', ')}` } : {}),
  })
}

/**
 * Single-quoted where needed: Compose (v1 and v2) reads single-quoted .env values literally. A carriage return
 * is written as `\r` inside double quotes: a raw one would be read back as a line break, by Compose and by us.
 */
export function envFileText(values: Record<string, string>): string {
  const lines = ['# Written by Homeport. `docker compose` reads these values too.']
  for (const [k, v] of Object.entries(values)) {
    if (/^[A-Za-z0-9_./:@,+-]*$/.test(v)) lines.push(`${k}=${v}`)
    else if (!v.includes("'") && !v.includes('\r')) lines.push(`${k}='${v}'`)
    else lines.push(`${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`)
  }
  return `${lines.join('\n')}\n`
}

/** The values of an app's .env as Compose reads them; a line it cannot read is passed over, not refused. */
export function envValues(envText: string): Record<string, string> {
  return parseDotenv(envText, new ProblemList())
}
