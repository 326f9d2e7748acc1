// Keychain entries are (service, account) pairs; these are the only account names Homeport writes.

export const KEYCHAIN_SERVICE = 'homeport'

export type SecretKind = 'password' | 'passphrase'

export function serverSecretAccount(serverId: string, kind: SecretKind): string {
  return `server:${serverId}:${kind}`
}

/** A secret variable of an app (a generated database password…): kept as long as the app's data is. */
export function appSecretAccount(serverId: string, app: string, variable: string): string {
  return `app:${serverId}:${app}:${variable}`
}
