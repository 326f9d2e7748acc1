// Maps what ssh2 and the socket layer throw onto Homeport's error codes. Messages name user@host:port;
// the raw library text only ever goes into `details`. A handshake or ready timeout is reported as
// TIMEOUT (the port answered or was silent, but no SSH server finished greeting us in time); refused,
// unroutable and unresolvable hosts are UNREACHABLE.

import { HomeportError } from '../../../shared/errors.js'
import { isConnectionLost } from './connection-lost.js'
import type { SshTarget } from './types.js'

/** `user@host:port`, or `host:port` for a handshake that logs in as nobody (a host-key probe). */
export function describeTarget(target: Pick<SshTarget, 'host' | 'port'> & { user?: string }): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host
  return `${target.user ? `${target.user}@` : ''}${host}:${target.port}`
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ECONNRESET', 'EPIPE'])

export function mapSshError(err: unknown, target: Pick<SshTarget, 'host' | 'port'> & { user?: string }): HomeportError {
  if (err instanceof HomeportError) return err
  const e = err as (Error & { code?: string; level?: string }) | undefined
  const raw = e?.message ?? String(err)
  const details = [e?.level, e?.code, raw].filter(Boolean).join(': ')
  const who = describeTarget(target)
  const opts = { details, cause: err }

  if (e?.level === 'client-authentication') {
    return new HomeportError('AUTH_FAILED', `${who} refused the login.`, opts)
  }
  if (e?.code && UNREACHABLE_CODES.has(e.code)) {
    const why =
      e.code === 'ECONNREFUSED' ? 'refused the connection (nothing listens on that port)'
      : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? 'could not be found (unknown host name)'
      : e.code === 'ECONNRESET' || e.code === 'EPIPE' ? 'closed the connection during the handshake'
      : 'has no route to it'
    return new HomeportError('UNREACHABLE', `${who} ${why}.`, opts)
  }
  if (e?.level === 'client-dns') return new HomeportError('UNREACHABLE', `${who} could not be found (unknown host name).`, opts)
  if (e?.level === 'client-timeout' || e?.code === 'ETIMEDOUT' || /timed out/i.test(raw)) {
    return new HomeportError('TIMEOUT', `${who} did not finish the SSH handshake in time.`, opts)
  }
  if (/Connection lost before handshake/i.test(raw)) {
    return new HomeportError('UNREACHABLE', `${who} closed the connection before speaking SSH.`, opts)
  }
  if (e?.level === 'agent') {
    return new HomeportError('AUTH_FAILED', `The SSH agent could not sign the login to ${who}.`, {
      ...opts,
      hint: 'Check that ssh-agent is running (SSH_AUTH_SOCK) and holds the key (`ssh-add -l`).',
    })
  }
  if (e?.level === 'protocol' || e?.level === 'handshake') {
    return new HomeportError('UNREACHABLE', `${who} broke off the SSH handshake.`, opts)
  }
  if (isConnectionLost(err)) {
    return new HomeportError('CONNECTION_LOST', `The connection to ${who} was lost.`, opts)
  }
  return new HomeportError('INTERNAL', `The SSH connection to ${who} failed.`, opts)
}

/** Failures a reconnect cannot fix: retrying would only repeat a refused login or a wrong host key. */
export function isFinalError(err: HomeportError): boolean {
  return ['AUTH_FAILED', 'HOST_KEY_MISMATCH', 'HOST_KEY_UNKNOWN', 'HOST_KEY_REJECTED', 'KEY_INVALID', 'PASSPHRASE_REQUIRED', 'SSH_CONFIG_INVALID'].includes(err.code)
}
