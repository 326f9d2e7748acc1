// An installed app's settings as the form shows them: the catalog's variables when the app came from one,
// otherwise one plain field per value in its .env.

import type { AppSettingsDto } from '../../../shared/contract/index.js'
import { definitionFromInstalled } from './app-definitions.js'
import { appServer, type ServerAccess } from './app-server.js'
import { envValues } from './app-values.js'

/** A value whose name says it is a secret, for apps without catalog metadata. */
const SECRET_NAME = /pass|secret|token|key/i

export async function settingsForm(servers: ServerAccess, serverId: string, app: string): Promise<AppSettingsDto> {
  const { session, facts } = await appServer(servers, serverId)
  const def = await definitionFromInstalled(session, facts, app, {})
  const values = envValues(def.definition.env)
  const declared = def.meta.variables?.filter((v) => !v.host)
  const variables = declared?.length
    ? declared.map((v) => ({ name: v.name, label: v.label, secret: v.secret, type: v.type, description: v.description, options: v.options }))
    : Object.keys(values).map((name) => ({ name, label: name, secret: SECRET_NAME.test(name), type: 'string' }))
  // Secret values stay on the server and in the keychain; the form shows them blank ("keep").
  return { values: Object.fromEntries(variables.map((v) => [v.name, v.secret ? '' : (values[v.name] ?? '')])), variables, compose: def.definition.compose }
}
