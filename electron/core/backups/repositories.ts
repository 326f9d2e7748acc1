// Repositories of a server: added (the SFTP host key pinned first, the repository initialised unless it
// holds one already, then restic's `check`), listed, checked and removed. Passwords and S3 secret keys go
// to the keychain; the rest to the server's backup config. Nothing is saved unless `check` passed.

import { createHash, randomBytes } from 'node:crypto'
import ssh2 from 'ssh2'
import type { RepositoryDto, RepositoryTargetInput } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import { backupRepoAccount, backupSshKeyAccount } from '../secrets/accounts.js'
import { changeBackupConfig, findRepository, readBackupConfig, type StoredRepository } from './backup-config.js'
import { repositoryLocation, serverSshKey, sftpCommand } from './repository-access.js'
import { restic, type BackupServer } from './restic-call.js'
import { REPOSITORY_LABEL, runRestic } from './restic-container.js'
import { isNoRepository, resticError } from './restic-errors.js'

export function toRepositoryDto(repo: StoredRepository, serverName?: (id: string) => string): RepositoryDto {
  const target = repo.kind === 'homeport' && repo.targetServerId ? { targetServer: serverName?.(repo.targetServerId) ?? repo.targetServerId, targetUser: repo.targetUser } : {}
  return { name: repo.name, kind: repo.kind, location: repositoryLocation(repo), ...(repo.hostKey ? { hostKey: repo.hostKey } : {}), ...target, createdAt: repo.createdAt }
}

/** The server's backup key pair, made on first use; the private half stays in the keychain. */
export async function ensureSshKey(srv: BackupServer): Promise<string> {
  const existing = await serverSshKey(srv.secrets, srv.serverId)
  if (existing) return publicKeyOf(existing)
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: `homeport-backups@${srv.server}` })
  await srv.secrets.set(backupSshKeyAccount(srv.serverId), pair.private)
  return pair.public
}

function publicKeyOf(privateKey: string): string {
  const parsed = ssh2.utils.parseKey(privateKey)
  if (parsed instanceof Error) throw new HomeportError('KEY_INVALID', 'The backup SSH key in the keychain cannot be read.', { details: parsed.message })
  const key = Array.isArray(parsed) ? parsed[0] : parsed
  return `${key.type} ${key.getPublicSSH().toString('base64')} ${key.comment || 'homeport-backups'}`
}

function fingerprintOf(knownHostLine: string): string {
  const blob = knownHostLine.trim().split(/\s+/)[2] ?? ''
  return `SHA256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`
}

/** Connects once from the server to the SFTP host to learn its host key (before any data or key is used there). */
export async function probeHostKey(srv: BackupServer, name: string, target: Extract<RepositoryTargetInput, { kind: 'sftp' }>, ownKey?: string): Promise<string> {
  const key = ownKey ?? (await serverSshKey(srv.secrets, srv.serverId))
  if (!key) throw new HomeportError('NOT_FOUND', `${srv.server} has no backup SSH key yet.`, { hint: "Copy the server's backup key from the Backups page into authorized_keys on the target.", cliHint: 'Run `homeport backups key SERVER` and add the key it prints to authorized_keys on the target.' })
  const ssh = sftpCommand({ ...target, port: target.port ?? 22 }, 'accept-new')
  // sh only to print the file ssh wrote; every value arrives as a positional argument, never in the script.
  const script = '"$@" </dev/null >/dev/null 2>/run/homeport/ssh-error; echo "== known"; cat /run/homeport/known_hosts; echo "== error"; cat /run/homeport/ssh-error'
  const out = await runRestic({ docker: srv.docker, image: srv.image, role: 'probe', entrypoint: 'sh', args: ['-c', script, 'sh', ...ssh], mounts: [], secrets: { id_ed25519: key, known_hosts: '' }, network: 'host', labels: { [REPOSITORY_LABEL]: name } })
  const known = /== known\n([\s\S]*?)== error\n([\s\S]*)$/.exec(out.stdout)
  const line = (known?.[1] ?? '').split('\n').find((l) => l.trim() && !l.startsWith('#'))
  if (!line) throw resticError({ code: 1, stdout: '', stderr: known?.[2] ?? out.stdout + out.stderr }, 'connect to it', name)
  const seen = fingerprintOf(line)
  if (target.hostKey && target.hostKey !== seen) {
    throw new HomeportError('HOST_KEY_MISMATCH', `${target.host}:${target.port} presented host key ${seen}, not ${target.hostKey}; nothing was saved.`, { hint: 'Check the fingerprint on that host (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`).' })
  }
  if (!target.hostKey && !target.trustOnFirstUse) {
    // details: the fingerprint alone, so a front end can show it for comparison and send it back as `hostKey`.
    throw new HomeportError('HOST_KEY_UNKNOWN', `${target.host}:${target.port} presented host key ${seen}; it is not trusted yet, so nothing was saved.`, { hint: 'Compare it with the fingerprint on that host (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`), then add the repository again and accept it.', cliHint: `Compare it with the fingerprint on that host (\`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\`), then add the repository again with --host-key ${seen}.`, details: seen })
  }
  // restic reports a refused key only as a broken SFTP session (its copy of ssh's message is often lost).
  const sshError = known?.[2] ?? ''
  if (/permission denied/i.test(sshError)) throw resticError({ code: 255, stdout: '', stderr: sshError }, 'log in there', name)
  return line.trim()
}

function stored(name: string, target: RepositoryTargetInput, knownHost?: string): StoredRepository {
  const createdAt = new Date().toISOString()
  if (target.kind === 'local') return { name, kind: 'local', createdAt, path: target.path.replace(/\/+$/, '') || '/' }
  if (target.kind === 'homeport') throw new HomeportError('INTERNAL', 'A repository on another Homeport server is stored through its own path.')
  if (target.kind === 'sftp') return { name, kind: 'sftp', createdAt, host: target.host, port: target.port ?? 22, user: target.user, path: target.path, knownHost, hostKey: knownHost && fingerprintOf(knownHost) }
  return { name, kind: 's3', createdAt, endpoint: target.endpoint.replace(/\/+$/, ''), bucket: target.bucket, prefix: (target.prefix ?? '').replace(/^\/+|\/+$/g, ''), region: target.region, accessKeyId: target.accessKeyId, caCert: target.caCert }
}

export async function addRepository(srv: BackupServer, session: SshSession, name: string, target: RepositoryTargetInput, given?: string): Promise<{ repository: RepositoryDto; generatedPassword?: string }> {
  const config = await readBackupConfig(session)
  const listed = config.repositories.find((r) => r.name === name)
  if (listed) return takeOn(srv, listed, target, given)
  if (target.kind === 'homeport') throw new HomeportError('INTERNAL', 'A repository on another Homeport server is added through its own path.')
  const knownHost = target.kind === 'sftp' ? await probeHostKey(srv, name, target) : undefined
  const repo = stored(name, target, knownHost)
  const s3Secret = target.kind === 's3' ? target.secretAccessKey : undefined
  if (s3Secret) await srv.secrets.set(backupRepoAccount(srv.serverId, name, 's3-secret'), s3Secret)
  try {
    return await initialiseAndSave(srv, session, repo, given)
  } catch (err) {
    if (s3Secret) await srv.secrets.delete(backupRepoAccount(srv.serverId, name, 's3-secret')).catch(() => {})
    throw err
  }
}

/** Opens the repository (initialising an empty target), runs `check`, and only then keeps its password and lists it. */
export async function initialiseAndSave(srv: BackupServer, session: SshSession, repo: StoredRepository, given?: string): Promise<{ repository: RepositoryDto; generatedPassword?: string }> {
  const name = repo.name
  const password = given ?? randomBytes(24).toString('base64url')
  const what = 'open it'
  const opened = await restic(srv, repo, ['cat', 'config'], { what, role: 'check', password, tolerate: true })
  if (opened.code !== 0) {
    if (!isNoRepository(opened)) throw resticError(opened, what, name)
    await restic(srv, repo, ['init'], { what: 'initialise it', role: 'init', password })
  }
  await restic(srv, repo, ['check'], { what: 'check it', role: 'check', password })
  await srv.secrets.set(backupRepoAccount(srv.serverId, name, 'password'), password)
  await changeBackupConfig(session, (c) => {
    if (c.repositories.some((r) => r.name === name)) throw new HomeportError('ALREADY_EXISTS', `${srv.server} already has a backup repository named "${name}".`)
    c.repositories.push(repo)
  })
  return { repository: toRepositoryDto(repo), ...(given ? {} : { generatedPassword: password }) }
}

/** A repository listed on the server but not known here: its password is checked, then kept in this keychain. */
async function takeOn(srv: BackupServer, listed: StoredRepository, target: RepositoryTargetInput, password: string | undefined): Promise<{ repository: RepositoryDto }> {
  const same = target.kind !== 'homeport' && listed.kind !== 'homeport' && repositoryLocation(listed) === repositoryLocation(stored(listed.name, target))
  if (!same || !password) {
    throw new HomeportError('ALREADY_EXISTS', `${srv.server} already has a backup repository named "${listed.name}" (${repositoryLocation(listed)}).`, {
      hint: same ? 'To use it from this computer, add it again with its password.' : 'Choose another name, or remove that repository first.',
    })
  }
  if (target.kind === 's3') await srv.secrets.set(backupRepoAccount(srv.serverId, listed.name, 's3-secret'), target.secretAccessKey)
  await restic(srv, listed, ['cat', 'config'], { what: 'open it', role: 'check', password })
  await srv.secrets.set(backupRepoAccount(srv.serverId, listed.name, 'password'), password)
  return { repository: toRepositoryDto(listed) }
}

export async function listRepositories(session: SshSession, serverName?: (id: string) => string): Promise<RepositoryDto[]> {
  return (await readBackupConfig(session)).repositories.map((r) => toRepositoryDto(r, serverName))
}

export async function checkRepository(srv: BackupServer, session: SshSession, name: string): Promise<{ ok: true }> {
  const repo = findRepository(await readBackupConfig(session), name, srv.server)
  await restic(srv, repo, ['check'], { what: 'check it', role: 'check' })
  return { ok: true }
}

export async function removeRepository(srv: BackupServer, session: SshSession, name: string): Promise<void> {
  await changeBackupConfig(session, (c) => {
    findRepository(c, name, srv.server)
    const users = c.policies.filter((p) => p.repository === name).map((p) => p.app)
    if (users.length) throw new HomeportError('INVALID_INPUT', `Repository ${name} is used by the backup policy of ${users.join(', ')}.`, { hint: 'Point those policies at another repository first.' })
    c.repositories = c.repositories.filter((r) => r.name !== name)
  })
  for (const kind of ['password', 's3-secret', 'ssh-key'] as const) await srv.secrets.delete(backupRepoAccount(srv.serverId, name, kind)).catch(() => {})
}
