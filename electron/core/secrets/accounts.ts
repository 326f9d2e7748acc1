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

/** A backup repository's password, its S3 secret key, or the private key of its own SSH user on another server (`kind` names which). */
export function backupRepoAccount(serverId: string, repository: string, kind: 'password' | 's3-secret' | 'ssh-key'): string {
  return `backup:${serverId}:${repository}:${kind}`
}

/** The private half of the SSH key a server's backups use to reach SFTP repositories. */
export function backupSshKeyAccount(serverId: string): string {
  return `backup:${serverId}:ssh-key`
}
