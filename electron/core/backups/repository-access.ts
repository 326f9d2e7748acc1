// How a restic container reaches each kind of repository: restic's repository string, the options and
// files it needs (password, SSH key and pinned host key, S3 credentials and CA certificate), the network,
// and a bind for a folder on the server. Secrets come from the keychain at the moment of the run.

import { HomeportError } from '../../../shared/errors.js'
import { secretsWarning } from '../runtime/lazy-secret-store.js'
import type { SecretStore } from '../runtime/types.js'
import { backupRepoAccount, backupSshKeyAccount } from '../secrets/accounts.js'
import type { StoredRepository } from './backup-config.js'
import { SECRETS_DIR, type ResticRun } from './restic-container.js'

/** Where a local repository appears inside the container. */
export const LOCAL_REPO = '/repository'

export interface RepositoryAccess {
  /** `-r` value and the options before the command. */
  globalArgs: string[]
  secrets: Record<string, string>
  env: Record<string, string>
  binds: string[]
  network: ResticRun['network']
}

/** restic's name for the repository as a person reads it (no secret in it). */
export function repositoryLocation(repo: StoredRepository): string {
  if (repo.kind === 'local') return repo.path ?? ''
  if (repo.kind === 'sftp' || repo.kind === 'homeport') return `sftp:${repo.user}@${repo.host}:${repo.path}`
  return `s3:${(repo.endpoint ?? '').replace(/\/+$/, '')}/${repo.bucket}${repo.prefix ? `/${repo.prefix.replace(/^\/+/, '')}` : ''}`
}

/** The ssh command restic runs for an SFTP repository: only the pinned host key is accepted, never a question. */
export function sftpCommand(repo: Pick<StoredRepository, 'port' | 'user' | 'host'>, hostKeyCheck: 'yes' | 'accept-new'): string[] {
  return [
    'ssh', '-p', String(repo.port ?? 22), '-i', `${SECRETS_DIR}/id_ed25519`, '-o', `UserKnownHostsFile=${SECRETS_DIR}/known_hosts`, '-o', `StrictHostKeyChecking=${hostKeyCheck}`,
    '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=30', '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=4', `${repo.user}@${repo.host}`, '-s', 'sftp',
  ]
}

export async function hasPassword(srv: { serverId: string; secrets: SecretStore }, repository: string): Promise<boolean> {
  return Boolean(await srv.secrets.get(backupRepoAccount(srv.serverId, repository, 'password')))
}

export async function serverSshKey(secrets: SecretStore, serverId: string): Promise<string | undefined> {
  return secrets.get(backupSshKeyAccount(serverId))
}

export async function repositoryAccess(repo: StoredRepository, serverId: string, secrets: SecretStore, password?: string): Promise<RepositoryAccess> {
  const pw = password ?? (await secrets.get(backupRepoAccount(serverId, repo.name, 'password')))
  if (!pw) {
    // A keychain that did not answer at start-up leaves secrets in memory: "not in the keychain" would be wrong.
    const fallback = secretsWarning(secrets)
    if (fallback) {
      throw new HomeportError('SECRET_STORE_UNAVAILABLE', `The password of repository ${repo.name} could not be read: ${fallback.message}`, { hint: fallback.hint, details: fallback.details })
    }
    throw new HomeportError('BACKUP_AUTH_FAILED', `The password of repository ${repo.name} is not in this computer's keychain.`, {
      hint: 'Add the repository again with its password.',
      cliHint: 'Add the repository again with its password (`homeport backups repo add … --password-stdin`).',
    })
  }
  const base: RepositoryAccess = { globalArgs: [], secrets: { password: pw }, env: { HOME: '/root' }, binds: [], network: 'host' }
  if (repo.kind === 'local') {
    return { ...base, globalArgs: ['-r', LOCAL_REPO], binds: [`${repo.path}:${LOCAL_REPO}`], network: 'none' }
  }
  if (repo.kind === 'sftp' || repo.kind === 'homeport') {
    // A repository on another Homeport server has a key of its own (its user there accepts only that key).
    const key = repo.kind === 'homeport' ? await secrets.get(backupRepoAccount(serverId, repo.name, 'ssh-key')) : await serverSshKey(secrets, serverId)
    if (!key && repo.kind === 'homeport') throw new HomeportError('NOT_FOUND', `The SSH key of repository ${repo.name} is not in this computer's keychain (it was added from another computer).`, { hint: 'Use the repository from the computer that added it, or remove it (with its user on the other server) and add it again here.' })
    if (!key) throw new HomeportError('NOT_FOUND', `The server's backup SSH key is not in this computer's keychain.`, { hint: "Copy the server's backup key from the Backups page to the target, then add the repository again.", cliHint: 'Run `homeport backups key SERVER`, add the key on the target, then add the repository again.' })
    // restic splits sftp.command on spaces; none of these words holds one (the contract refuses them).
    return { ...base, globalArgs: ['-r', repositoryLocation(repo), '-o', `sftp.command=${sftpCommand(repo, 'yes').join(' ')}`], secrets: { ...base.secrets, id_ed25519: key, known_hosts: `${repo.knownHost ?? ''}\n` } }
  }
  const secret = await secrets.get(backupRepoAccount(serverId, repo.name, 's3-secret'))
  if (!secret) throw new HomeportError('BACKUP_AUTH_FAILED', `The S3 secret key of repository ${repo.name} is not in this computer's keychain.`, { hint: 'Add the repository again with its keys.' })
  const args = ['-r', repositoryLocation(repo), ...(repo.region ? ['-o', `s3.region=${repo.region}`] : []), ...(repo.caCert ? ['--cacert', `${SECRETS_DIR}/ca.pem`] : [])]
  return {
    ...base,
    globalArgs: args,
    // A credentials file rather than AWS_* variables: the environment of a container is shown by `docker inspect`.
    secrets: { ...base.secrets, 'aws-credentials': `[default]\naws_access_key_id = ${repo.accessKeyId}\naws_secret_access_key = ${secret}\n`, ...(repo.caCert ? { 'ca.pem': repo.caCert } : {}) },
    env: { ...base.env, AWS_SHARED_CREDENTIALS_FILE: `${SECRETS_DIR}/aws-credentials` },
  }
}
