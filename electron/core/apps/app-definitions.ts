// Where an install's compose file and values come from (a catalog entry, a given compose file, or what is
// installed already), turned into the files to write to the app's folder on the server.

import { posix } from 'node:path'
import type { AppDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import { envFileText, envValues, hostValues, refuseUnknownValues, resolveValues } from './app-values.js'
import type { CatalogApp, CatalogVariable } from './catalog/types.js'
import { referencedVariables } from '../compose/index.js'
import { COMPOSE_FILE } from '../compose/engine/container-spec.js'
import { readServerFile } from '../connection/sftp.js'
import { appDir, ENV_FILE, type ServerFacts } from './app-paths.js'

export const META_FILE = 'homeport.json'

/** A value whose name says it is a secret, for apps without catalog metadata. */
const SECRET_NAME = /pass|secret|token|key/i

/** The app's secret variables: the catalog's, or for an app without one, the values named like secrets. */
export function secretNamesOf(meta: AppMetaFile, values: Record<string, string>): Set<string> {
  const declared = meta.variables?.filter((v) => !v.host)
  if (declared?.length) return new Set(declared.filter((v) => v.secret).map((v) => v.name))
  return new Set(Object.keys(values).filter((name) => SECRET_NAME.test(name)))
}

function pick(values: Record<string, string>, names: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => names.has(k)))
}

/** What goes into the app's folder on the server. */
export interface AppDefinition {
  name: string
  compose: string
  env: string
  /** Other files to place next to compose.yml (Umbrel's settings.env…). */
  files?: Record<string, string>
}

/** What Homeport remembers about an app, next to its compose file so every laptop sees it. */
export interface AppMetaFile {
  catalogId?: string
  catalogName?: string
  web?: AppDto['web'] & { hostNetwork?: boolean }
  variables?: CatalogVariable[]
  /** The compose file's folder on the computer that installed the app: `build:` contexts resolve against it. */
  buildDir?: string
}

export async function readMeta(session: SshSession, facts: ServerFacts, app: string): Promise<AppMetaFile | undefined> {
  const text = await readServerFile(session, posix.join(appDir(facts, app), META_FILE)).catch(() => undefined)
  if (!text) return undefined
  try {
    return JSON.parse(text) as AppMetaFile
  } catch {
    return undefined
  }
}

function hostValuesFor(compose: string, facts: ServerFacts, name: string): Record<string, string> {
  const used = new Set(referencedVariables(compose))
  return Object.fromEntries(Object.entries(hostValues(facts, name)).filter(([k]) => used.has(k)))
}

export interface DefinitionResult {
  definition: AppDefinition
  meta: AppMetaFile
  /** Values of secret variables, for the keychain. */
  secrets: Record<string, string>
}

export function definitionFromCatalog(app: CatalogApp, name: string, given: Record<string, string>, facts: ServerFacts, previousEnv?: string): DefinitionResult {
  refuseUnknownValues(app.id, given, [...new Set([...app.variables.map((v) => v.name), ...referencedVariables(app.compose)])])
  const previous = previousEnv ? envValues(previousEnv) : {}
  const { values, secrets } = resolveValues(app.variables, given, hostValuesFor(app.compose, facts, name), previous)
  const meta: AppMetaFile = { catalogId: app.id, catalogName: app.name, web: app.web, variables: app.variables }
  return {
    definition: { name, compose: app.compose, env: envFileText(values), files: { ...(app.files ?? {}), [META_FILE]: JSON.stringify(meta, null, 2) } },
    meta,
    secrets: Object.fromEntries(secrets.map((k) => [k, values[k]])),
  }
}

export function definitionFromCompose(compose: string, env: string | undefined, name: string, given: Record<string, string>, facts: ServerFacts, previousEnv?: string): DefinitionResult {
  const fromFile = env ? envValues(env) : {}
  // A service that reads the whole .env (`env_file: .env`) gets every value, used in the file or not.
  if (!/^\s*-?\s*env_file:/m.test(compose)) refuseUnknownValues(name, given, [...new Set([...referencedVariables(compose), ...Object.keys(fromFile)])])
  const base = { ...(previousEnv ? envValues(previousEnv) : {}), ...fromFile }
  const { values } = resolveValues([], { ...base, ...given }, hostValuesFor(compose, facts, name))
  return { definition: { name, compose, env: envFileText(values), files: {} }, meta: {}, secrets: {} }
}

/** Files of an installed app edited by the person: each replaces the stored one when given. */
export interface InstalledEdits {
  compose?: string
  env?: string
  /** Where the edited compose file's `build:` contexts are, on this computer. */
  buildDir?: string
}

/**
 * Settings change, update or edit of an installed app: the stored compose file (or the edited one), values
 * merged over the stored ones (or the edited `.env`'s). A blank secret always means "keep the stored value".
 */
export async function definitionFromInstalled(
  session: SshSession,
  facts: ServerFacts,
  name: string,
  given: Record<string, string>,
  edits: InstalledEdits = {},
): Promise<DefinitionResult & { previous: AppDefinition }> {
  const dir = appDir(facts, name)
  // The three files are read at once: one round trip instead of three.
  const [compose, envText, metaRead] = await Promise.all([readServerFile(session, posix.join(dir, COMPOSE_FILE)), readServerFile(session, posix.join(dir, ENV_FILE)), readMeta(session, facts, name)])
  if (compose === undefined) {
    throw new HomeportError('NOT_FOUND', `App "${name}" has no compose file in ${dir} on the server.`, {
      hint: 'Only apps installed by Homeport (or whose compose.yml is in that folder) can be updated or reconfigured.',
    })
  }
  const env = envText ?? ''
  const meta = metaRead ?? {}
  const previous: AppDefinition = { name, compose, env }
  const current = envValues(env)
  // The settings form and the editor show secrets blank: a blank secret means "keep the current one".
  const secrets = secretNamesOf(meta, current)
  const keep = (entries: Record<string, string>) => Object.fromEntries(Object.entries(entries).filter(([k, v]) => !(secrets.has(k) && v === '')))
  const base = edits.env === undefined ? current : { ...pick(current, secrets), ...keep(envValues(edits.env)) }
  const newCompose = edits.compose ?? compose
  const resolved = resolveValues(meta.variables ?? [], { ...base, ...keep(given) }, hostValuesFor(newCompose, facts, name), current)
  const { values } = resolved
  return {
    definition: { name, compose: newCompose, env: envFileText(values), files: {} },
    meta,
    secrets: Object.fromEntries(resolved.secrets.map((k) => [k, values[k]])),
    previous,
  }
}
