// An installed app's compose file and `.env` as the editor shows them. Secret values never leave the server
// and the keychain: their lines come blank, and a blank one sent back with the edit keeps the stored value
// (definitionFromInstalled).

import type { AppComposeFilesDto } from '../../../shared/contract/index.js'
import { definitionFromInstalled, secretNamesOf } from './app-definitions.js'
import { appServer, type ServerAccess } from './app-server.js'
import { envValues } from './app-values.js'

const ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)(\s*=).*$/

/** The .env text with the values of `secrets` emptied, every other line (comments included) as it is. */
export function blankSecrets(envText: string, secrets: Set<string>): string {
  return envText
    .split('\n')
    .map((line) => {
      const m = ASSIGNMENT.exec(line)
      return m && secrets.has(m[2]) ? `${m[1]}${m[2]}${m[3]}` : line
    })
    .join('\n')
}

export async function composeFiles(servers: ServerAccess, serverId: string, app: string): Promise<AppComposeFilesDto> {
  const { session, facts } = await appServer(servers, serverId)
  // Reading the definition checks that the app has a compose file Homeport can update.
  const { previous, meta } = await definitionFromInstalled(session, facts, app, {})
  const secrets = secretNamesOf(meta, envValues(previous.env))
  return { compose: previous.compose, env: blankSecrets(previous.env, secrets), secrets: [...secrets].sort() }
}
