// One ssh2 Client per server, kept alive and reconnected. Every exec, SFTP, stream-local and TCP channel
// rides on it. The host key is checked during key exchange, before any authentication is sent; after an
// unexpected drop the session reconnects with exponential backoff and jitter, holding to the key it saw.

import { EventEmitter } from 'node:events'
import type { Duplex } from 'node:stream'
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2'
import type { ConnectionState, ServerStateEvent } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { Logger } from '../runtime/types.js'
import { makeAuthHandler, type AuthState } from './auth.js'
import { backoffDelay, sleep } from './backoff.js'
import { collectExec, commandLine, openExecChannel } from './exec.js'
import { isConnectionLost } from './connection-lost.js'
import { checkHostKey } from './host-key-check.js'
import { KnownHosts } from './known-hosts.js'
import { countSftpRequests, handshakeCounter, recordExec, recordRoundTrip, recordSftpChannel } from './round-trips.js'
import { SessionSlots } from './session-slots.js'
import { hangUp, pipelineHandshake } from './ssh2-round-trips.js'
import { retryStartupDrops } from './startup-retry.js'
import { assertSshUser } from './ssh-user.js'
import { describeTarget, isFinalError, mapSshError } from './ssh-errors.js'
import { enableDirectReceive } from './direct-receive.js'
import { takeEarlyTcp } from './early-tcp.js'
import { connectReceiving } from './receive-socket.js'
import type { ExecOptions, ExecResult, SshSession, SshTarget } from './types.js'

/** Hands out a session for a jump chain (shared, ref-counted) and a way to let go of it. */
export type JumpLeaser = (jumps: SshTarget[]) => { session: SshSession; release: () => void }

export interface SessionOptions {
  knownHosts?: KnownHosts
  /** Required when the target has jumps. */
  leaseJump?: JumpLeaser
  log?: Logger
  /** Handshake + authentication must finish within this time, not counting time spent asking the person. */
  readyTimeoutMs?: number
  keepaliveIntervalMs?: number
  keepaliveCountMax?: number
  reconnectInitialMs?: number
  reconnectMaxMs?: number
  /** sshd's MaxSessions: concurrent exec/shell/sftp channels on one connection. */
  maxSessions?: number
}

/** A channel open the server refused; `reason` is the SSH open-failure code (1 = administratively prohibited). */
export class ChannelOpenError extends HomeportError {
  constructor(message: string, readonly reason: number | undefined, details: string, cause: unknown) {
    super('INTERNAL', message, { details, cause, hint: 'The server refused to open the channel; sshd\'s log on the server says why.' })
  }
}

export class SshSessionImpl extends EventEmitter implements SshSession {
  private currentState: ConnectionState = 'offline'
  private client?: Client
  private connecting?: Promise<Client>
  private closed = false
  private finalError?: HomeportError
  private pinnedFingerprint?: string
  private presented?: { algorithm: string; fingerprint: string }
  private sftpChannel?: Promise<SFTPWrapper>
  private jumpLease?: { session: SshSession; release: () => void }
  private readonly wakeFromBackoff = new AbortController()
  private readonly slots: SessionSlots
  private readonly knownHosts: KnownHosts

  constructor(readonly serverId: string, private readonly target: SshTarget, private readonly opts: SessionOptions = {}) {
    super()
    this.knownHosts = opts.knownHosts ?? new KnownHosts()
    this.pinnedFingerprint = target.hostKey
    this.slots = new SessionSlots(opts.maxSessions ?? 10)
  }

  get state(): ConnectionState {
    return this.currentState
  }

  get hostKey(): { algorithm: string; fingerprint: string } | undefined {
    return this.presented
  }

  get description(): string {
    return describeTarget(this.target)
  }

  ready(): Promise<Client> {
    if (this.closed) return Promise.reject(this.closedError())
    if (this.client && this.currentState === 'ready') return Promise.resolve(this.client)
    if (this.connecting) return this.connecting
    if (this.finalError) return Promise.reject(this.finalError)
    this.connecting = this.firstConnect()
    return this.connecting
  }

  async exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const release = await this.slots.take(opts.signal)
    try {
      // Never retried: the command may have run before the connection dropped.
      const client = await this.ready()
      let collecting: Promise<ExecResult> | undefined
      recordExec(argv)
      await openExecChannel(client, commandLine(argv, opts.loginShell), false, (channel) => {
        collecting = collectExec(channel, argv, this.description, opts)
      }).catch((err) => {
        throw this.channelError(err, `run ${argv[0]}`)
      })
      return await collecting!
    } finally {
      release()
    }
  }

  async execStream(argv: string[], opts: { pty?: boolean; loginShell?: boolean } = {}): Promise<ClientChannel> {
    const release = await this.slots.take()
    try {
      const client = await this.ready()
      recordExec(argv)
      // The slot is freed from inside the open callback: a quick command may have closed before an await returns.
      return await openExecChannel(client, commandLine(argv, opts.loginShell), opts.pty, (channel) => channel.once('close', release)).catch((err) => {
        throw this.channelError(err, `run ${argv[0]}`)
      })
    } catch (err) {
      release()
      throw err
    }
  }

  openStreamLocal(socketPath: string): Promise<Duplex> {
    return this.openIdempotent(`open ${socketPath}`, `stream-local ${socketPath}`, (client, cb) => client.openssh_forwardOutStreamLocal(socketPath, cb))
  }

  openTcp(host: string, port: number): Promise<Duplex> {
    return this.openIdempotent(`connect to ${host}:${port}`, `tcp ${host}:${port}`, (client, cb) => client.forwardOut('127.0.0.1', 0, host, port, cb))
  }

  /** One SFTP channel per connection, opened on first use and again after a reconnect. */
  async sftp(): Promise<SFTPWrapper> {
    const client = await this.ready()
    if (!this.sftpChannel) {
      const mine: { opening?: Promise<SFTPWrapper> } = {}
      mine.opening = (async () => {
        const release = await this.slots.take()
        try {
          recordSftpChannel()
          const sftp = countSftpRequests(await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s)))))
          sftp.once('close', () => {
            release()
            if (this.sftpChannel === mine.opening) this.sftpChannel = undefined
          })
          return sftp
        } catch (err) {
          release()
          if (this.sftpChannel === mine.opening) this.sftpChannel = undefined
          throw this.channelError(err, 'open SFTP')
        }
      })()
      this.sftpChannel = mine.opening
    }
    return this.sftpChannel
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.wakeFromBackoff.abort()
    const client = this.client
    this.client = undefined
    if (client) {
      await hangUp(client)
    }
    this.jumpLease?.release()
    this.jumpLease = undefined
    if (this.currentState !== 'offline') this.setState('offline')
    this.emit('closed')
  }

  // ── connecting ─────────────────────────────────────────────────────────────────────────────────────

  private async firstConnect(): Promise<Client> {
    this.setState('connecting')
    try {
      const client = await retryStartupDrops(() => this.connectOnce(), this.wakeFromBackoff.signal)
      this.adopt(client)
      return client
    } catch (err) {
      const mapped = mapSshError(err, this.target)
      if (isFinalError(mapped)) this.finalError = mapped
      this.setState('offline', { error: mapped.toJSON() })
      throw mapped
    } finally {
      this.connecting = undefined
    }
  }

  private async reconnectLoop(firstError: HomeportError): Promise<Client> {
    let lastError = firstError
    try {
      for (let attempt = 1; ; attempt++) {
        const delay = backoffDelay(attempt, this.opts.reconnectInitialMs, this.opts.reconnectMaxMs)
        this.setState('reconnecting', { attempt, retryInMs: delay, error: lastError.toJSON() })
        await sleep(delay, this.wakeFromBackoff.signal)
        if (this.closed) throw this.closedError()
        try {
          const client = await this.connectOnce()
          this.adopt(client)
          this.emit('reconnected')
          return client
        } catch (err) {
          lastError = mapSshError(err, this.target)
          this.opts.log?.warn('SSH reconnect failed', { server: this.serverId, code: lastError.code, attempt })
          if (this.closed) throw this.closedError()
          if (isFinalError(lastError)) {
            this.finalError = lastError
            this.setState('offline', { error: lastError.toJSON() })
            throw lastError
          }
        }
      }
    } finally {
      this.connecting = undefined
    }
  }

  private adopt(client: Client): void {
    if (this.closed) {
      client.end()
      throw this.closedError()
    }
    this.client = client
    this.sftpChannel = undefined
    client.on('close', () => this.onClientClosed(client))
    this.setState('ready')
  }

  private onClientClosed(client: Client): void {
    if (client !== this.client) return
    this.client = undefined
    this.sftpChannel = undefined
    if (this.closed) return
    const lost = new HomeportError('CONNECTION_LOST', `The connection to ${this.description} was lost.`)
    this.opts.log?.info('SSH connection lost, reconnecting', { server: this.serverId })
    const loop = this.reconnectLoop(lost)
    loop.catch(() => {
      /* reported through the state event; callers of ready() get the rejection themselves */
    })
    this.connecting = loop
  }

  private async socketThroughJumps(): Promise<Duplex | undefined> {
    const jumps = this.target.jumps
    if (!jumps?.length) return undefined
    if (!this.opts.leaseJump) throw new HomeportError('INTERNAL', `No jump host support was configured for ${this.description}.`)
    this.jumpLease ??= this.opts.leaseJump(jumps)
    return this.jumpLease.session.openTcp(this.target.host, this.target.port)
  }

  private async connectOnce(): Promise<Client> {
    const target = this.target
    assertSshUser(target.user)
    const sock = await this.socketThroughJumps()
    const client = new Client()
    const auth: AuthState = {}
    let hostKeyError: HomeportError | undefined
    let waitingForPerson = false
    const readyTimeoutMs = this.opts.readyTimeoutMs ?? 20_000

    return new Promise<Client>((resolve, reject) => {
      let settled = false
      let deadline: NodeJS.Timeout | undefined
      const armDeadline = (): void => {
        if (deadline) clearTimeout(deadline)
        deadline = setTimeout(() => {
          if (waitingForPerson) return
          fail(Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' }))
        }, readyTimeoutMs)
      }
      const fail = (err: unknown): void => {
        if (settled) return
        settled = true
        if (deadline) clearTimeout(deadline)
        client.destroy()
        sock?.destroy()
        reject(hostKeyError ?? auth.error ?? mapSshError(err, target))
      }
      // Asking the person must not count against the handshake deadline.
      const asking = async <T>(work: () => Promise<T>): Promise<T> => {
        waitingForPerson = true
        if (deadline) clearTimeout(deadline)
        try {
          return await work()
        } finally {
          waitingForPerson = false
          if (!settled) armDeadline()
        }
      }
      const authTarget: SshTarget = { ...target, getSecret: target.getSecret && (() => asking(target.getSecret!)) }

      client.on('error', (err) => {
        if (!settled) fail(err)
        else this.opts.log?.debug('SSH client error', { server: this.serverId, message: (err as Error).message })
      })
      client.once('close', () => fail(new Error('Connection lost before handshake')))
      // The TCP connect (or, through a jump host, the channel open the jump session counted).
      if (!sock) recordRoundTrip('handshake', `${this.description} tcp connect`)
      client.once('ready', () => {
        if (settled) return
        settled = true
        if (deadline) clearTimeout(deadline)
        // Without it every channel open waits ~40 ms on Nagle's algorithm.
        client.setNoDelay(true)
        enableDirectReceive(client)
        resolve(client)
      })

      const given = sock ?? takeEarlyTcp(target.host, target.port) ?? connectReceiving(target.host, target.port)
      const config: ConnectConfig = {
        host: target.host,
        port: target.port,
        username: target.user,
        sock: given,
        readyTimeout: 0,
        keepaliveInterval: this.opts.keepaliveIntervalMs ?? 10_000,
        keepaliveCountMax: this.opts.keepaliveCountMax ?? 3,
        hostVerifier: (keyBlob: Buffer, verify: (valid: boolean) => void) => {
          const confirm = target.confirmHostKey
          const checking = checkHostKey(
            { host: target.host, port: target.port, ...(confirm ? { confirmHostKey: (k) => asking(() => confirm(k)) } : {}) },
            this.pinnedFingerprint,
            keyBlob,
            this.knownHosts,
          )
          checking.then(
            (key) => {
              this.presented = { algorithm: key.algorithm, fingerprint: key.fingerprint }
              // Hold every later reconnect to the key accepted now.
              this.pinnedFingerprint = key.fingerprint
              verify(true)
            },
            (err) => {
              hostKeyError = err instanceof HomeportError ? err : mapSshError(err, target)
              verify(false)
            },
          )
        },
        authHandler: makeAuthHandler(authTarget, auth),
        debug: handshakeCounter(this.description, () => settled),
      }
      armDeadline()
      try {
        client.connect(config)
        pipelineHandshake(client)
      } catch (err) {
        fail(err)
      }
    })
  }

  // ── channels ───────────────────────────────────────────────────────────────────────────────────────

  /** Channel opens carry no side effect, so one that failed because the connection dropped is retried once. */
  private async openIdempotent(what: string, kind: string, open: (client: Client, cb: (err: Error | undefined, ch: ClientChannel) => void) => void): Promise<Duplex> {
    const attempt = (client: Client): Promise<ClientChannel> => {
      recordRoundTrip('channel', kind)
      return new Promise((resolve, reject) => open(client, (err, ch) => (err ? reject(err) : resolve(ch))))
    }
    const client = await this.ready()
    try {
      return await attempt(client)
    } catch (err) {
      if (this.client === client && this.currentState === 'ready') throw this.channelError(err, what)
      try {
        return await attempt(await this.ready())
      } catch (retryErr) {
        throw this.channelError(retryErr, what)
      }
    }
  }

  private channelError(err: unknown, what: string): HomeportError {
    if (err instanceof HomeportError) return err
    const e = err as Error & { reason?: number }
    if (typeof e?.reason === 'number') {
      return new ChannelOpenError(`${this.description} refused to ${what}.`, e.reason, e.message, err)
    }
    if (!this.client || this.currentState !== 'ready' || isConnectionLost(err)) {
      return new HomeportError('CONNECTION_LOST', `The connection to ${this.description} was lost while trying to ${what}.`, { details: e?.message, cause: err })
    }
    return new HomeportError('INTERNAL', `Could not ${what} on ${this.description}.`, { details: e?.message ?? String(err), cause: err })
  }

  private closedError(): HomeportError {
    return new HomeportError('CONNECTION_LOST', `The connection to ${this.description} has been closed.`, { hint: 'Connect to the server again.' })
  }

  private setState(state: ConnectionState, extra: Omit<ServerStateEvent, 'serverId' | 'state'> = {}): void {
    this.currentState = state
    const event: ServerStateEvent = { serverId: this.serverId, state, ...extra }
    this.emit('state', event)
  }
}
