// Servers and their pinned host keys. Rows hold connection facts only; secrets are in the keychain.

import type { AuthMethod, ServerDto } from '../../../shared/contract/index.js'
import type { Db } from './database.js'

/** A server as stored: what crosses the bridge, without the pinned key (its own table). */
export type ServerRecord = Omit<ServerDto, 'hostKey' | 'hostKeyAlgorithm'>

export interface PinnedHostKey {
  serverId: string
  algorithm: string
  fingerprint: string
  pinnedAt: string
}

interface ServerRow {
  id: string
  name: string
  host: string
  port: number
  user: string
  auth_method: AuthMethod
  identity_file: string | null
  ssh_config_host: string | null
  proxy_jump: string | null
  has_secret: number
  created_at: string
}

interface HostKeyRow {
  server_id: string
  algorithm: string
  fingerprint: string
  pinned_at: string
}

function toRecord(row: ServerRow): ServerRecord {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    port: row.port,
    user: row.user,
    authMethod: row.auth_method,
    ...(row.identity_file ? { identityFile: row.identity_file } : {}),
    ...(row.ssh_config_host ? { sshConfigHost: row.ssh_config_host } : {}),
    ...(row.proxy_jump ? { proxyJump: row.proxy_jump } : {}),
    hasSecret: row.has_secret === 1,
    createdAt: row.created_at,
  }
}

export class ServersRepo {
  constructor(private readonly db: Db) {}

  list(): ServerRecord[] {
    return (this.db.prepare('SELECT * FROM servers ORDER BY name COLLATE NOCASE').all() as ServerRow[]).map(toRecord)
  }

  byId(id: string): ServerRecord | undefined {
    const row = this.db.prepare('SELECT * FROM servers WHERE id = ?').get(id) as ServerRow | undefined
    return row && toRecord(row)
  }

  byName(name: string): ServerRecord | undefined {
    const row = this.db.prepare('SELECT * FROM servers WHERE name = ?').get(name) as ServerRow | undefined
    return row && toRecord(row)
  }

  /** Inserts the server and, if given, its pinned key in one transaction. Throws on a duplicate name (SQLITE_CONSTRAINT_UNIQUE). */
  insert(server: ServerRecord, hostKey?: Omit<PinnedHostKey, 'serverId' | 'pinnedAt'>): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO servers (id, name, host, port, user, auth_method, identity_file, ssh_config_host, proxy_jump, has_secret, created_at)
           VALUES (@id, @name, @host, @port, @user, @authMethod, @identityFile, @sshConfigHost, @proxyJump, @hasSecret, @createdAt)`,
        )
        .run({
          ...server,
          identityFile: server.identityFile ?? null,
          sshConfigHost: server.sshConfigHost ?? null,
          proxyJump: server.proxyJump ?? null,
          hasSecret: server.hasSecret ? 1 : 0,
        })
      if (hostKey) this.pinHostKey(server.id, hostKey.algorithm, hostKey.fingerprint)
    })()
  }

  /** Switches how Homeport logs in (set-up replaces a password with a key); the secret itself is the keychain's. */
  updateAuth(id: string, auth: { authMethod: ServerRecord['authMethod']; identityFile?: string; hasSecret: boolean }): void {
    this.db
      .prepare('UPDATE servers SET auth_method = ?, identity_file = ?, has_secret = ? WHERE id = ?')
      .run(auth.authMethod, auth.identityFile ?? null, auth.hasSecret ? 1 : 0, id)
  }

  /** Deletes the server; its pinned key goes with it (ON DELETE CASCADE). Returns whether a row was deleted. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM servers WHERE id = ?').run(id).changes > 0
  }

  hostKey(serverId: string): PinnedHostKey | undefined {
    const row = this.db.prepare('SELECT * FROM host_keys WHERE server_id = ?').get(serverId) as HostKeyRow | undefined
    return row && { serverId: row.server_id, algorithm: row.algorithm, fingerprint: row.fingerprint, pinnedAt: row.pinned_at }
  }

  pinHostKey(serverId: string, algorithm: string, fingerprint: string): PinnedHostKey {
    const pinnedAt = new Date().toISOString()
    this.db
      .prepare(
        `INSERT INTO host_keys (server_id, algorithm, fingerprint, pinned_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(server_id) DO UPDATE SET algorithm = excluded.algorithm, fingerprint = excluded.fingerprint, pinned_at = excluded.pinned_at`,
      )
      .run(serverId, algorithm, fingerprint, pinnedAt)
    return { serverId, algorithm, fingerprint, pinnedAt }
  }

  unpinHostKey(serverId: string): void {
    this.db.prepare('DELETE FROM host_keys WHERE server_id = ?').run(serverId)
  }
}
