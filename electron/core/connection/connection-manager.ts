// One session per server, ref-counted, plus a pool of jump-host sessions shared by every server whose
// ProxyJump chain starts the same way. Re-emits each server session's `state` events.

import { EventEmitter } from 'node:events'
import { Client } from 'ssh2'
import type { ServerStateEvent } from '../../../shared/contract/index.js'
import type { Logger } from '../runtime/types.js'
import { presentedKey, revokedKeyError } from './host-key-check.js'
import { KnownHosts, defaultKnownHostsPath } from './known-hosts.js'
import { SshSessionImpl, type SessionOptions } from './session.js'
import { mapSshError } from './ssh-errors.js'
import { retryStartupDrops } from './startup-retry.js'
import type { ConnectionManager, PresentedHostKey, SshSession, SshTarget } from './types.js'

export interface ConnectionManagerOptions extends Omit<SessionOptions, 'knownHosts' | 'leaseJump'> {
  knownHostsPath?: string
  log?: Logger
}

interface Entry {
  refs: number
  session: Promise<SshSessionImpl>
}

function hopKey(t: Pick<SshTarget, 'user' | 'host' | 'port'>): string {
  return `${t.user}@${t.host}:${t.port}`
}

export class SshConnectionManager extends EventEmitter implements ConnectionManager {
  private readonly sessions = new Map<string, Entry>()
  private readonly settled = new Map<string, SshSessionImpl>()
  private readonly jumps = new Map<string, { refs: number; session: SshSessionImpl }>()
  private readonly knownHosts: KnownHosts
  private readonly sessionOptions: SessionOptions

  constructor(private readonly opts: ConnectionManagerOptions = {}) {
    super()
    this.knownHosts = new KnownHosts(opts.knownHostsPath ?? defaultKnownHostsPath())
    this.sessionOptions = { ...opts, knownHosts: this.knownHosts, leaseJump: (chain) => this.leaseJump(chain) }
  }

  /**
   * The first acquire connects and rejects if that fails (nothing is kept then); later ones share the
   * session in whatever state it is, since it reconnects by itself.
   */
  async acquire(serverId: string, target: () => Promise<SshTarget>): Promise<SshSession> {
    const existing = this.sessions.get(serverId)
    if (existing) {
      existing.refs++
      try {
        return await existing.session
      } catch (err) {
        existing.refs--
        throw err
      }
    }
    const entry: Entry = { refs: 1, session: this.openSession(serverId, target) }
    this.sessions.set(serverId, entry)
    this.track(serverId, entry)
    try {
      return await entry.session
    } catch (err) {
      if (this.sessions.get(serverId) === entry) this.sessions.delete(serverId)
      throw err
    }
  }

  private async openSession(serverId: string, makeTarget: () => Promise<SshTarget>): Promise<SshSessionImpl> {
    const session = new SshSessionImpl(serverId, await makeTarget(), this.sessionOptions)
    session.on('state', (event: ServerStateEvent) => this.emit('state', event))
    try {
      await session.ready()
    } catch (err) {
      await session.close()
      throw err
    }
    return session
  }

  release(serverId: string): void {
    const entry = this.sessions.get(serverId)
    if (!entry) return
    if (--entry.refs > 0) return
    this.sessions.delete(serverId)
    this.settled.delete(serverId)
    void entry.session.then((s) => s.close(), () => undefined)
  }

  get(serverId: string): SshSession | undefined {
    // Only settled sessions are handed out synchronously.
    return this.settled.get(serverId)
  }

  /** Marks a session as settled once its first connect succeeded, for get(). */
  private track(serverId: string, entry: Entry): void {
    entry.session.then((s) => {
      if (this.sessions.get(serverId) === entry) this.settled.set(serverId, s)
      s.once('closed', () => {
        if (this.settled.get(serverId) === s) this.settled.delete(serverId)
      })
    }, () => undefined)
  }

  /** A jump session for `chain` (its last element is the hop, the rest the hops before it). */
  private leaseJump(chain: SshTarget[]): { session: SshSession; release: () => void } {
    const hop = chain[chain.length - 1]
    const key = chain.map(hopKey).join(' > ')
    let entry = this.jumps.get(key)
    if (!entry) {
      const outer = chain.slice(0, -1)
      const session = new SshSessionImpl(`jump:${key}`, { ...hop, jumps: outer.length ? outer : undefined }, this.sessionOptions)
      entry = { refs: 0, session }
      this.jumps.set(key, entry)
    }
    entry.refs++
    const held = entry
    let released = false
    return {
      session: held.session,
      release: () => {
        if (released) return
        released = true
        if (--held.refs > 0) return
        if (this.jumps.get(key) === held) this.jumps.delete(key)
        void held.session.close()
      },
    }
  }

  /** Number of live jump sessions; they are shared, so two servers behind one hop count once. */
  get jumpSessionCount(): number {
    return this.jumps.size
  }

  async probeHostKey(target: Pick<SshTarget, 'host' | 'port' | 'jumps'>): Promise<PresentedHostKey> {
    const lease = target.jumps?.length ? this.leaseJump(target.jumps) : undefined
    try {
      const { presented, blob } = await retryStartupDrops(() => this.probeOnce(target, lease?.session), new AbortController().signal)
      // A revoked key is never offered for pinning, by trust-on-first-use or anyone else.
      const revoked = await this.knownHosts.revoked(blob)
      if (revoked) throw revokedKeyError(target.host, target.port, presented.fingerprint, revoked.line)
      return presented
    } finally {
      lease?.release()
    }
  }

  /** One handshake, as far as the host key: refusing it ends the handshake there, no authentication is attempted. */
  private async probeOnce(target: Pick<SshTarget, 'host' | 'port'>, jump: SshSession | undefined): Promise<{ presented: PresentedHostKey; blob: Buffer }> {
    const who = { host: target.host, port: target.port }
    const sock = jump ? await jump.openTcp(target.host, target.port) : undefined
    return new Promise((resolve, reject) => {
      const client = new Client()
      let seen: { presented: PresentedHostKey; blob: Buffer } | undefined
      let done = false
      const finish = (err?: unknown): void => {
        if (done) return
        done = true
        client.destroy()
        sock?.destroy()
        if (seen) resolve(seen)
        else reject(mapSshError(err ?? new Error('Connection lost before handshake'), who))
      }
      client.on('error', finish)
      client.on('close', () => finish())
      client.on('ready', () => finish())
      client.connect({
        host: target.host,
        port: target.port,
        username: 'homeport-probe',
        ...(sock ? { sock } : {}),
        readyTimeout: this.opts.readyTimeoutMs ?? 20_000,
        hostVerifier: (keyBlob: Buffer) => {
          seen = { presented: presentedKey(target.host, target.port, keyBlob), blob: keyBlob }
          return false
        },
      })
    })
  }

  async knownHostsLookup(host: string, port: number): Promise<PresentedHostKey[]> {
    const entries = await this.knownHosts.lookup(host, port)
    return entries.map((e) => ({ host, port, algorithm: e.algorithm, fingerprint: e.fingerprint }))
  }

  async closeAll(): Promise<void> {
    const entries = [...this.sessions.values()]
    this.sessions.clear()
    this.settled.clear()
    await Promise.all(entries.map((e) => e.session.then((s) => s.close(), () => undefined)))
    const jumps = [...this.jumps.values()]
    this.jumps.clear()
    await Promise.all(jumps.map((j) => j.session.close()))
  }
}

