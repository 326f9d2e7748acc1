// Host key fingerprints exactly as OpenSSH prints them (`ssh-keygen -lf`): "SHA256:" followed by the
// base64 of sha256 over the raw key blob, with the trailing '=' padding removed.

import { createHash } from 'node:crypto'

export function fingerprintOfKeyBlob(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')
}

/** The algorithm name is the first SSH string inside the blob (uint32 length + bytes). */
export function algorithmOfKeyBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown'
  const len = blob.readUInt32BE(0)
  if (len <= 0 || 4 + len > blob.length || len > 64) return 'unknown'
  return blob.subarray(4, 4 + len).toString('latin1')
}

/** Accepts `SHA256:abc`, `abc` or a padded `SHA256:abc=`, so pinned values pasted from elsewhere compare equal. */
export function normalizeFingerprint(value: string): string {
  const trimmed = value.trim().replace(/=+$/, '')
  return trimmed.startsWith('SHA256:') ? trimmed : `SHA256:${trimmed}`
}

export function sameFingerprint(a: string, b: string): boolean {
  return normalizeFingerprint(a) === normalizeFingerprint(b)
}
