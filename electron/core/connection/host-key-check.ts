// Decides, during key exchange and so before any authentication is sent, whether the key a server
// presents is trusted: a pinned key must match exactly; without a pin, ~/.ssh/known_hosts decides; a
// host it does not know is put to the person (confirmHostKey). A changed or revoked key is final.

import { HomeportError } from '../../../shared/errors.js'
import { algorithmOfKeyBlob, fingerprintOfKeyBlob, sameFingerprint } from './fingerprint.js'
import type { KnownHosts } from './known-hosts.js'
import type { PresentedHostKey, SshTarget } from './types.js'

function hostLabel(host: string, port: number): string {
  return port === 22 ? host : `${host.includes(':') ? `[${host}]` : host}:${port}`
}

export function presentedKey(host: string, port: number, keyBlob: Buffer): PresentedHostKey {
  return { host, port, algorithm: algorithmOfKeyBlob(keyBlob), fingerprint: fingerprintOfKeyBlob(keyBlob) }
}

function hostKeyMismatch(host: string, port: number, expected: string, presented: string, source: string): HomeportError {
  return new HomeportError(
    'HOST_KEY_MISMATCH',
    `The host key of ${hostLabel(host, port)} has changed: ${source} ${expected}, the server now presents ${presented}. The connection was refused before logging in.`,
    { details: `expected=${expected} presented=${presented} source=${source}` },
  )
}

/** A key marked `@revoked` in known_hosts: refused whatever else trusts it (a pin, a plain entry, a person). */
export function revokedKeyError(host: string, port: number, fingerprint: string, line: number | undefined): HomeportError {
  return new HomeportError('HOST_KEY_MISMATCH', `The host key ${fingerprint} of ${hostLabel(host, port)} is marked @revoked in known_hosts; the connection was refused before logging in.`, {
    hint: 'Do not connect until the server has a new host key; then check and accept the new fingerprint.',
    details: `revoked at known_hosts line ${line}`,
  })
}

/**
 * Resolves with the presented key when it is trusted, rejects with HOST_KEY_MISMATCH / HOST_KEY_UNKNOWN /
 * HOST_KEY_REJECTED otherwise. `pinned` is the fingerprint to hold the server to (the target's, or the one
 * accepted earlier on this session). Revocation comes first: a key pinned before it was revoked stops working.
 */
export async function checkHostKey(
  target: Pick<SshTarget, 'host' | 'port' | 'confirmHostKey'>,
  pinned: string | undefined,
  keyBlob: Buffer,
  knownHosts: KnownHosts,
): Promise<PresentedHostKey> {
  const presented = presentedKey(target.host, target.port, keyBlob)
  const revoked = await knownHosts.revoked(keyBlob)
  if (revoked) throw revokedKeyError(target.host, target.port, presented.fingerprint, revoked.line)
  if (pinned) {
    if (sameFingerprint(pinned, presented.fingerprint)) return presented
    throw hostKeyMismatch(target.host, target.port, pinned, presented.fingerprint, 'Homeport pinned')
  }
  const verdict = await knownHosts.judge(target.host, target.port, keyBlob)
  if (verdict.status === 'known') return presented
  if (verdict.status === 'mismatch') {
    if (verdict.revoked) throw revokedKeyError(target.host, target.port, presented.fingerprint, verdict.entry?.line)
    throw hostKeyMismatch(target.host, target.port, verdict.expected ?? 'unknown', presented.fingerprint, 'known_hosts has')
  }
  if (!target.confirmHostKey) {
    throw new HomeportError('HOST_KEY_UNKNOWN', `The host key of ${hostLabel(target.host, target.port)} (${presented.algorithm} ${presented.fingerprint}) is not trusted yet.`)
  }
  if (await target.confirmHostKey(presented)) return presented
  throw new HomeportError('HOST_KEY_REJECTED', `The host key ${presented.fingerprint} of ${hostLabel(target.host, target.port)} was not accepted.`)
}
