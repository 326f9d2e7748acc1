// One restic command against one repository, in a container on one server: the repository's access
// (repository-access.ts) joined with the command, a failure turned into Homeport's error codes.

import type { Docker } from '../docker/docker-access.js'
import type { SecretStore } from '../runtime/types.js'
import type { StoredRepository } from './backup-config.js'
import { repositoryAccess } from './repository-access.js'
import { REPOSITORY_LABEL, runRestic, type ResticMount, type ResticOutput, type ResticRun } from './restic-container.js'
import { resticError } from './restic-errors.js'

/** A server as the backups domain works on it. */
export interface BackupServer {
  serverId: string
  /** Its name as the person knows it. */
  server: string
  docker: Docker
  /** The restic image (setting `backups.resticImage`). */
  image: string
  secrets: SecretStore
}

export interface ResticCallOptions {
  /** What the command does, for messages: "back up nextcloud". */
  what: string
  role: string
  mounts?: ResticMount[]
  signal?: AbortSignal
  onStdoutLine?: (line: string) => void
  /** stdout is an archive: its bytes come back in `ResticOutput.bytes`. */
  binaryStdout?: boolean
  /** A password not yet in the keychain (adding a repository). */
  password?: string
  /** Return a failed run instead of throwing (the caller reads it). */
  tolerate?: boolean
  labels?: Record<string, string>
  /** Host folders to bind (created by Docker if missing): `host:container`. */
  binds?: string[]
  /** Start restic only once this resolves (`ResticRun.startAfter`). */
  startAfter?: Promise<unknown>
}

export async function restic(srv: BackupServer, repo: StoredRepository, args: string[], opts: ResticCallOptions): Promise<ResticOutput> {
  const out = await runRestic(await resticRunFor(srv, repo, args, opts))
  if (out.code !== 0 && !opts.tolerate) throw resticError(out, opts.what, repo.name)
  return out
}

/** The container run of one restic command (a schedule on the server writes the same run as `docker run`). */
export async function resticRunFor(srv: BackupServer, repo: StoredRepository, args: string[], opts: ResticCallOptions): Promise<ResticRun> {
  const access = await repositoryAccess(repo, srv.serverId, srv.secrets, opts.password)
  return {
    docker: srv.docker,
    image: srv.image,
    role: opts.role,
    args: [...access.globalArgs, ...args],
    mounts: opts.mounts ?? [],
    binds: [...access.binds, ...(opts.binds ?? [])],
    secrets: access.secrets,
    env: access.env,
    network: access.network,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onStdoutLine ? { onStdoutLine: opts.onStdoutLine } : {}),
    ...(opts.binaryStdout ? { binaryStdout: true } : {}),
    ...(opts.startAfter ? { startAfter: opts.startAfter } : {}),
    labels: { [REPOSITORY_LABEL]: repo.name, ...opts.labels },
  }
}
