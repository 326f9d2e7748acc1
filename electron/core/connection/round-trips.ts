// Request/response exchanges with the server, counted per user action: the SSH handshake's steps, channel
// opens, exec and SFTP requests and Docker API calls. Over a real link each one costs a round trip unless
// it goes out together with others, so a regression shows as a number, not a feeling.
//
// An action is an async context (AsyncLocalStorage): everything started inside `tally.run(fn)` — jobs that
// outlive the call included — records into that tally and into every tally around it. Counting happens
// where a request is sent, so the figures are the same on every run, whatever the timing.

import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks'

export type RoundTripKind = 'handshake' | 'channel' | 'exec' | 'sftp' | 'docker'

const KINDS: readonly RoundTripKind[] = ['handshake', 'channel', 'exec', 'sftp', 'docker']

const current = new AsyncLocalStorage<RoundTripTally>()

/** Hex ids (containers, images, exec ids) folded, so one kind of call is one line however many it touched. */
function foldIds(where: string): string {
  return where.replace(/\b[0-9a-f]{12,64}\b/g, ':id')
}

export class RoundTripTally {
  total = 0
  readonly byKind: Record<RoundTripKind, number> = { handshake: 0, channel: 0, exec: 0, sftp: 0, docker: 0 }
  /** `kind where` → count, in the order first seen. */
  readonly where = new Map<string, number>()
  /** `kind where` → most requests of that kind that were awaiting their answers at once: overlap, without timing. */
  readonly peakInFlight = new Map<string, number>()
  /** `kind where` → the requests that were awaiting their answers when one of it went out: overlap across kinds. */
  readonly sentDuring = new Map<string, Set<string>>()
  private readonly inFlight = new Map<string, number>()

  constructor(private readonly parent?: RoundTripTally) {}

  /** Runs fn as (part of) this action: what it and everything it starts sends is counted here. */
  run<T>(fn: () => T): T {
    return current.run(this, fn)
  }

  record(kind: RoundTripKind, where: string, count = 1): void {
    this.total += count
    this.byKind[kind] += count
    const key = `${kind} ${foldIds(where)}`
    this.where.set(key, (this.where.get(key) ?? 0) + count)
    for (const [other, n] of this.inFlight) {
      if (n <= 0 || other === key) continue
      let during = this.sentDuring.get(key)
      if (!during) this.sentDuring.set(key, (during = new Set()))
      during.add(other)
    }
    this.parent?.record(kind, where, count)
  }

  /** A request went out and is awaiting its answer until `answered` is called (once). */
  sent(kind: RoundTripKind, where: string): () => void {
    const key = `${kind} ${foldIds(where)}`
    const now = (this.inFlight.get(key) ?? 0) + 1
    this.inFlight.set(key, now)
    if (now > (this.peakInFlight.get(key) ?? 0)) this.peakInFlight.set(key, now)
    const parentAnswered = this.parent?.sent(kind, where)
    let open = true
    return () => {
      if (!open) return
      open = false
      this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1)
      parentAnswered?.()
    }
  }

  /** `7 (handshake 5, channel 1, docker 1)` */
  summary(): string {
    const parts = KINDS.filter((k) => this.byKind[k] > 0).map((k) => `${k} ${this.byKind[k]}`)
    return `${this.total}${parts.length ? ` (${parts.join(', ')})` : ''}`
  }

  /** One line per destination, most first: `  6  handshake hptest@host:22`. */
  lines(): string[] {
    return [...this.where.entries()].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${String(n).padStart(4)}  ${key}`)
  }
}

/** Counts what `fn` (and all it starts) sends; nested inside another count, that one sees it too. */
export async function countRoundTrips<T>(fn: () => Promise<T>): Promise<{ value: T; tally: RoundTripTally }> {
  const tally = new RoundTripTally(current.getStore())
  const value = await tally.run(fn)
  return { value, tally }
}

/** A new tally for a longer action (a whole CLI command), nested in the current one if any. */
export function newRoundTripTally(): RoundTripTally {
  return new RoundTripTally(current.getStore())
}

/**
 * Runs fn outside every action: work the core starts on its own (monitoring, reading backup schedules when a
 * connection opens) is nobody's action, and nobody waits for it.
 */
export function outsideActions<T>(fn: () => T): T {
  return current.exit(fn)
}

/** Records an exchange for the action under way; outside any action it is not counted. */
export function recordRoundTrip(kind: RoundTripKind, where: string, count = 1): void {
  current.getStore()?.record(kind, where, count)
}

/**
 * Records an exchange for the action under way and tracks it as awaiting its answer until the returned
 * function is called, so a test can see which requests overlapped (`peakInFlight`).
 */
export function recordRequest(kind: RoundTripKind, where: string): () => void {
  const tally = current.getStore()
  if (!tally) return () => {}
  tally.record(kind, where)
  return tally.sent(kind, where)
}

/**
 * Tracks an exchange already recorded (an exec's, by recordExec) as awaiting its answer until the returned
 * function is called: for one whose answer is a line of its output rather than the channel's opening.
 */
export function awaitAnswer(kind: RoundTripKind, where: string): () => void {
  return current.getStore()?.sent(kind, where) ?? (() => {})
}

/** `sh -c SCRIPT NAME …` by its name, or the script's start; anything else by its program. */
function execLabel(argv: readonly string[]): string {
  if (argv[0] !== 'sh' || argv[1] !== '-c') return argv[0]
  if (argv[3] && argv[3] !== 'sh') return argv[3]
  const script = (argv[2] ?? '').trim().replace(/\s+/g, ' ')
  return `sh -c ${script.length > 28 ? `${script.slice(0, 28)}…` : script}`
}

/** An exec costs a channel open and the exec request; its output comes back with the answer to the latter. */
export function recordExec(argv: readonly string[]): void {
  recordRoundTrip('channel', `session for ${argv[0]}`)
  recordRoundTrip('exec', execLabel(argv))
}

/**
 * ssh2's debug lines for the handshake messages that wait for an answer: the key exchange, the userauth
 * service request and each authentication request (a key file's is sent signed at once, right behind the
 * service request: ssh2-round-trips.ts). The TCP connect itself is counted by the session.
 */
const HANDSHAKE_REQUEST = /^Outbound: Sending (KEXINIT|KEXDH_INIT|KEXECDH_INIT|KEXDH_GEX_REQUEST|KEXDH_GEX_INIT|SERVICE_REQUEST|USERAUTH_REQUEST|USERAUTH_INFO_RESPONSE)\b/

/** Name of the handshake step a debug line announces, if it is one that waits for the server. */
export function handshakeStep(debugLine: string): string | undefined {
  return HANDSHAKE_REQUEST.exec(debugLine)?.[1]
}

/** ssh2's `debug` option, only to count the handshake; once `over()`, one cheap call per packet. */
export function handshakeCounter(who: string, over: () => boolean): (line: string) => void {
  return (line) => {
    if (over()) return
    const step = handshakeStep(line)
    if (step) recordRoundTrip('handshake', `${who} ${step.toLowerCase()}`)
  }
}

/** Opening SFTP: the channel, the subsystem request, then SFTP's own version exchange. */
export function recordSftpChannel(): void {
  recordRoundTrip('channel', 'session for sftp')
  recordRoundTrip('sftp', 'subsystem + version', 2)
}

/** SFTP requests that go out as one packet each (chmod, utimes and the like are made of these). */
const SFTP_REQUESTS = [
  'open', 'close', 'read', 'write', 'fstat', 'stat', 'lstat', 'opendir', 'readdir', 'mkdir', 'rmdir', 'unlink', 'rename',
  'setstat', 'fsetstat', 'realpath', 'readlink', 'symlink', 'ext_openssh_rename', 'ext_openssh_statvfs', 'ext_openssh_fstatvfs',
  'ext_openssh_hardlink', 'ext_openssh_fsync', 'ext_openssh_expandPath', 'ext_copy_data', 'ext_home_dir', 'ext_users_groups',
] as const

/**
 * Counts every request sent on an SFTP channel. The callback is bound to the caller's action, so the
 * requests that ssh2's compound calls (readFile, writeFile, fastGet…) chain from inside it count there too.
 */
export function countSftpRequests<T extends object>(sftp: T): T {
  const methods = sftp as unknown as Record<string, unknown>
  for (const name of SFTP_REQUESTS) {
    const original = methods[name]
    if (typeof original !== 'function') continue
    methods[name] = function (this: unknown, ...args: unknown[]) {
      recordRoundTrip('sftp', name)
      const last = args.length - 1
      if (typeof args[last] === 'function') args[last] = AsyncResource.bind(args[last] as (...a: unknown[]) => unknown)
      return (original as (...a: unknown[]) => unknown).apply(this, args)
    }
  }
  return sftp
}
