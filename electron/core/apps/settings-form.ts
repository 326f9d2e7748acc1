// An installed app's settings as the form shows them: the catalog's variables when the app came from one,
// otherwise one plain field per value in its .env.

import type { AppSettingsDto } from '../../../shared/contract/index.js'
import { definitionFromInstalled, secretNamesOf } from './app-definitions.js'
import { appServer, type ServerAccess } from './app-server.js'
import { envValues } from './app-values.js'

/** Short words that read as letters, kept in capitals in a label. */
const ACRONYMS = new Set(['db', 'id', 'uid', 'gid', 'tz', 'url', 'uri', 'api', 'http', 'https', 'smtp', 'ssl', 'tls', 'dns', 'ip', 'ui', 'vpn', 'ssh', 'sql'])

/**
 * A .env value of an app without catalog metadata, as a form field: a label in words from its name
 * (`WEB_PORT` → "Web port"), a port field for names ending in PORT, and the raw name in the description.
 */
export function plainVariable(name: string, secret: boolean): AppSettingsDto['variables'][number] {
  const words = name.split(/[_\s]+/).filter(Boolean).map((w) => w.toLowerCase())
  const label = words.map((w, i) => (ACRONYMS.has(w) ? w.toUpperCase() : i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join(' ') || name
  return { name, label, secret, type: !secret && /(^|_)PORT$/i.test(name) ? 'port' : 'string', description: `${name} in the app's .env file` }
}

export async function settingsForm(servers: ServerAccess, serverId: string, app: string): Promise<AppSettingsDto> {
  const { session, facts } = await appServer(servers, serverId)
  const def = await definitionFromInstalled(session, facts, app, {})
  const values = envValues(def.definition.env)
  const declared = def.meta.variables?.filter((v) => !v.host)
  const variables = declared?.length
    ? declared.map((v) => ({ name: v.name, label: v.label, secret: v.secret, type: v.type, description: v.description, options: v.options }))
    : Object.keys(values).map((name) => plainVariable(name, secretNamesOf(def.meta, values).has(name)))
  // Secret values stay on the server and in the keychain; the form shows them blank ("keep").
  return { values: Object.fromEntries(variables.map((v) => [v.name, v.secret ? '' : (values[v.name] ?? '')])), variables, compose: def.definition.compose }
}
