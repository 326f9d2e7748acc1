// What a server's backups are made of — its repositories (no secrets) and the policy of each app — lives on
// the server, in ~/.local/share/homeport/backups/config.json, next to the apps it protects: a second
// computer sees the same repositories and policies, and a schedule on the server can read them.

import { posix } from 'node:path'
import type { PolicyDto, RepositoryKind } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import { withServerLock } from '../connection/server-lock.js'
import { readServerFile, writeServerFiles } from '../connection/sftp.js'
import type { SshSession } from '../connection/types.js'
import { homeFolder } from '../schedules/server-schedule.js'

export interface StoredRepository {
  name: string
  kind: RepositoryKind
  createdAt: string
  /** local */
  path?: string
  /** sftp */
  host?: string
  port?: number
  user?: string
  /** sftp: the pinned host key as a known_hosts line (`host keytype base64`), and its fingerprint. */
  knownHost?: string
  hostKey?: string
  /** homeport (an sftp target too): the other server, the user made there and the folder it is confined to. */
  targetServerId?: string
  targetUser?: string
  chroot?: string
  /** s3 */
  endpoint?: string
  bucket?: string
  prefix?: string
  region?: string
  accessKeyId?: string
  caCert?: string
}

export interface BackupConfig {
  version: 1
  repositories: StoredRepository[]
  policies: PolicyDto[]
}

async function configPath(session: SshSession): Promise<string> {
  return posix.join(await homeFolder(session), '.local/share/homeport/backups/config.json')
}

export async function readBackupConfig(session: SshSession): Promise<BackupConfig> {
  const path = await configPath(session)
  const text = await readServerFile(session, path)
  if (text === undefined) return { version: 1, repositories: [], policies: [] }
  try {
    const parsed = JSON.parse(text) as Partial<BackupConfig>
    return { version: 1, repositories: parsed.repositories ?? [], policies: parsed.policies ?? [] }
  } catch (err) {
    throw new HomeportError('INVALID_INPUT', `The backup settings on the server (${path}) are not valid JSON.`, { hint: 'Fix or remove that file on the server.', details: String(err) })
  }
}

/**
 * Reads, changes and writes the config (whole or not at all), holding the server's lock on it meanwhile: two
 * changes at once (two laptops, or a repository added while a policy is set) would otherwise each write back
 * what it read, and one of them would be lost.
 */
export async function changeBackupConfig<T>(session: SshSession, change: (config: BackupConfig) => T): Promise<T> {
  const path = await configPath(session)
  return withServerLock(session, posix.join(posix.dirname(path), 'config.lock'), 'the backup settings', async () => {
    const config = await readBackupConfig(session)
    const result = change(config)
    await writeServerFiles(session, [{ path, content: `${JSON.stringify(config, null, 2)}\n`, mode: 0o600 }])
    return result
  })
}

export function findRepository(config: BackupConfig, name: string, server: string): StoredRepository {
  const repo = config.repositories.find((r) => r.name === name)
  if (!repo) throw new HomeportError('NOT_FOUND', `There is no backup repository "${name}" on ${server}.`, { hint: "The server's Backups page lists its repositories.", cliHint: 'See them with `homeport backups repo list SERVER`.' })
  return repo
}
