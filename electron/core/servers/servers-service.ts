// Servers: add (with the host-key decision), list, get, remove, host-key probe/replace. Live connections
// and Docker on them are in sessions.ts; this file only touches SQLite, the keychain and probes.

import { randomUUID } from 'node:crypto'
import type { ParsedInput } from '../../../shared/contract/index.js'
import type { HostKeyProbe, ServerDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { Logger, Prompter, SecretStore } from '../runtime/types.js'
import { sameFingerprint } from '../connection/fingerprint.js'
import type { SshConfigFile } from '../connection/ssh-config.js'
import type { ConnectionManager, PresentedHostKey, SshTarget } from '../connection/types.js'
import { serverSecretAccount } from '../secrets/accounts.js'
import type { ServerRecord, ServersRepo } from '../store/servers-repo.js'
import { jumpTargets, secretKindFor } from './server-target.js'

export interface ServersServiceDeps {
  repo: ServersRepo
  secrets: SecretStore
  prompts: Prompter
  connections: ConnectionManager
  sshConfig: SshConfigFile
  log: Logger
  /** Called before a server's rows and secrets go: drop its connection and watches. */
  onRemove?: (serverId: string) => Promise<void>
}

function mismatch(who: string, expected: string, presented: string): HomeportError {
  return new HomeportError('HOST_KEY_MISMATCH', `${who} presented host key ${presented}, but ${expected} was expected.`)
}

export class ServersService {
  constructor(private readonly deps: ServersServiceDeps) {}

  toDto(server: ServerRecord): ServerDto {
    const pinned = this.deps.repo.hostKey(server.id)
    return {
      ...server,
      ...(pinned ? { hostKey: pinned.fingerprint, hostKeyAlgorithm: pinned.algorithm } : {}),
    }
  }

  list(): ServerDto[] {
    return this.deps.repo.list().map((s) => this.toDto(s))
  }

  /** By id first, then by name: the CLI passes names, the window passes ids. */
  find(idOrName: string): ServerRecord {
    const server = this.deps.repo.byId(idOrName) ?? this.deps.repo.byName(idOrName)
    if (!server) throw new HomeportError('NOT_FOUND', `No server named "${idOrName}".`)
    return server
  }

  async add(input: ParsedInput<'servers.add'>): Promise<ServerDto> {
    const { repo } = this.deps
    if (repo.byName(input.name)) {
      throw new HomeportError('ALREADY_EXISTS', `A server named "${input.name}" already exists.`, {
        hint: `Choose another name, or remove it first (\`homeport server remove ${input.name}\`).`,
      })
    }
    if (input.hostKey && input.trustOnFirstUse) {
      throw new HomeportError('INVALID_INPUT', 'Give either a host key to pin or trust-on-first-use, not both.')
    }
    const fromConfig = input.sshConfigHost ? await this.deps.sshConfig.resolveHost(input.sshConfigHost) : undefined
    const server: ServerRecord = {
      id: randomUUID(),
      name: input.name,
      host: input.host ?? fromConfig!.hostName,
      port: input.port ?? fromConfig?.port ?? 22,
      user: input.user ?? fromConfig?.user ?? defaultUser(),
      authMethod: input.authMethod,
      ...((input.identityFile ?? fromConfig?.identityFile) ? { identityFile: input.identityFile ?? fromConfig?.identityFile } : {}),
      ...(input.sshConfigHost ? { sshConfigHost: input.sshConfigHost } : {}),
      ...((input.proxyJump ?? fromConfig?.proxyJump) ? { proxyJump: input.proxyJump ?? fromConfig?.proxyJump } : {}),
      hasSecret: false,
      createdAt: new Date().toISOString(),
    }
    if (server.authMethod === 'key' && !server.identityFile) {
      throw new HomeportError('INVALID_INPUT', `Server "${server.name}" uses key login but no identity file was given.`, {
        hint: 'Pass the private key file (--identity FILE), or use agent or password login.',
      })
    }
    const secretKind = secretKindFor(server.authMethod)
    if (server.authMethod === 'password' && !input.secret) {
      throw new HomeportError('INVALID_INPUT', `Server "${server.name}" uses password login but no password was given.`, {
        hint: 'Enter the password (with the CLI: --password-stdin).',
      })
    }

    const jumps = await this.jumpsFor(server, input.secret)
    const presented = await this.deps.connections.probeHostKey({ host: server.host, port: server.port, ...(jumps.length ? { jumps } : {}) })
    const pinned = await this.decideHostKey(server, presented, input)

    const secret = secretKind && input.secret ? input.secret : undefined
    repo.insert({ ...server, hasSecret: secret !== undefined }, { algorithm: pinned.algorithm, fingerprint: pinned.fingerprint })
    if (secret !== undefined && secretKind) {
      try {
        await this.deps.secrets.set(serverSecretAccount(server.id, secretKind), secret)
      } catch (err) {
        repo.delete(server.id)
        throw new HomeportError('SECRET_STORE_UNAVAILABLE', `The ${secretKind} for "${server.name}" could not be stored in the keychain.`, {
          details: err instanceof Error ? err.message : String(err),
        })
      }
    }
    this.deps.log.info('server added', { serverId: server.id, name: server.name, host: server.host, port: server.port, authMethod: server.authMethod })
    return this.toDto(repo.byId(server.id)!)
  }

  /**
   * No key is accepted silently: a key given up front must match, trust-on-first-use takes what is presented,
   * a known_hosts entry with the same key counts as acceptance, anything else is a question to the person.
   */
  private async decideHostKey(server: ServerRecord, presented: PresentedHostKey, input: ParsedInput<'servers.add'>): Promise<PresentedHostKey> {
    const who = `${server.host}:${server.port}`
    if (input.hostKey) {
      if (!sameFingerprint(input.hostKey, presented.fingerprint)) throw mismatch(who, input.hostKey, presented.fingerprint)
      return presented
    }
    if (input.trustOnFirstUse) return presented
    const known = await this.deps.connections.knownHostsLookup(server.host, server.port)
    if (known.some((k) => sameFingerprint(k.fingerprint, presented.fingerprint))) return presented
    const sameAlgorithm = known.find((k) => k.algorithm === presented.algorithm)
    if (sameAlgorithm) throw mismatch(`${who} (per ~/.ssh/known_hosts)`, sameAlgorithm.fingerprint, presented.fingerprint)
    const accepted = await this.deps.prompts.ask({
      kind: 'hostKey',
      title: `Trust ${who}?`,
      message: `The authenticity of ${who} can't be established. Its ${presented.algorithm} key fingerprint is ${presented.fingerprint}. Accept and pin it?`,
      fingerprint: presented.fingerprint,
      algorithm: presented.algorithm,
      host: server.host,
      port: server.port,
    })
    if (accepted !== true) throw new HomeportError('HOST_KEY_REJECTED', `The host key ${presented.fingerprint} of ${who} was not accepted.`)
    return presented
  }

  private async jumpsFor(server: ServerRecord, secret?: string): Promise<SshTarget[]> {
    if (server.sshConfigHost) return (await this.deps.sshConfig.resolveTarget(server.sshConfigHost)).jumps ?? []
    return jumpTargets(server.proxyJump, server, secret === undefined ? undefined : async () => secret)
  }

  async remove(idOrName: string): Promise<void> {
    const server = this.find(idOrName)
    await this.deps.onRemove?.(server.id)
    for (const kind of ['password', 'passphrase'] as const) {
      await this.deps.secrets.delete(serverSecretAccount(server.id, kind)).catch((err: unknown) => {
        this.deps.log.warn('could not delete a keychain entry', { serverId: server.id, kind, error: err instanceof Error ? err.message : String(err) })
      })
    }
    this.deps.repo.delete(server.id)
    this.deps.log.info('server removed', { serverId: server.id, name: server.name })
  }

  async probeHostKey(input: ParsedInput<'servers.probeHostKey'>): Promise<HostKeyProbe> {
    let host = input.host
    let port = input.port
    let jumps: SshTarget[] = jumpTargets(input.proxyJump, { user: defaultUser(), authMethod: 'agent' })
    if (input.sshConfigHost) {
      const target = await this.deps.sshConfig.resolveTarget(input.sshConfigHost)
      host = target.host
      port = target.port
      jumps = target.jumps ?? []
    }
    const presented = await this.deps.connections.probeHostKey({ host, port, ...(jumps.length ? { jumps } : {}) })
    const base = { host, port, algorithm: presented.algorithm, fingerprint: presented.fingerprint }
    const pinned = this.deps.repo.list().filter((s) => s.host === host && s.port === port).map((s) => this.deps.repo.hostKey(s.id)).filter((k) => k !== undefined)
    if (pinned.some((k) => sameFingerprint(k.fingerprint, presented.fingerprint))) return { ...base, status: 'pinned' }
    if (pinned.length) return { ...base, status: 'mismatch', expected: pinned[0].fingerprint }
    const known = await this.deps.connections.knownHostsLookup(host, port)
    if (known.some((k) => sameFingerprint(k.fingerprint, presented.fingerprint))) return { ...base, status: 'known_hosts' }
    const sameAlgorithm = known.find((k) => k.algorithm === presented.algorithm)
    if (sameAlgorithm) return { ...base, status: 'mismatch', expected: sameAlgorithm.fingerprint }
    return { ...base, status: 'unknown' }
  }

  /** Explicit replacement after a HOST_KEY_MISMATCH: the new key must be the one the server presents now. */
  async replaceHostKey(id: string, fingerprint: string): Promise<ServerDto> {
    const server = this.find(id)
    const jumps = await this.jumpsFor(server)
    const presented = await this.deps.connections.probeHostKey({ host: server.host, port: server.port, ...(jumps.length ? { jumps } : {}) })
    if (!sameFingerprint(fingerprint, presented.fingerprint)) throw mismatch(`${server.host}:${server.port}`, fingerprint, presented.fingerprint)
    await this.deps.onRemove?.(server.id)
    this.deps.repo.pinHostKey(server.id, presented.algorithm, presented.fingerprint)
    this.deps.log.info('host key replaced', { serverId: server.id, fingerprint: presented.fingerprint })
    return this.toDto(this.deps.repo.byId(server.id)!)
  }
}

function defaultUser(): string {
  return process.env.USER ?? process.env.USERNAME ?? 'root'
}
