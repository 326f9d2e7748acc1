// Keychain entries are (service, account) pairs; these are the only account names Homeport writes.

export const KEYCHAIN_SERVICE = 'homeport'

export type SecretKind = 'password' | 'passphrase'

export function serverSecretAccount(serverId: string, kind: SecretKind): string {
  return `server:${serverId}:${kind}`
}
