// Reads OpenSSH's known_hosts: plain and hashed (`|1|salt|hash`, HMAC-SHA1 of the host name as written)
// host names, `[host]:port` for ports other than 22, comma lists, `*`/`?` wildcards with `!` negation,
// and the `@revoked` / `@cert-authority` markers. Homeport never writes this file; it pins keys itself.

import { createHmac } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { algorithmOfKeyBlob, fingerprintOfKeyBlob } from './fingerprint.js'

export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority'
  /** The host field as written (comma list, possibly hashed). */
  hosts: string
  algorithm: string
  fingerprint: string
  keyBlob: Buffer
  line: number
}

export type KnownHostsVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  /** The host has a key of the same algorithm on record and it differs, or the presented key is revoked. */
  | { status: 'mismatch'; expected?: string; revoked: boolean; entry?: KnownHostEntry }
  | { status: 'unknown'; otherAlgorithms: string[] }

export function defaultKnownHostsPath(): string {
  return join(homedir(), '.ssh', 'known_hosts')
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim()
    if (!line || line.startsWith('#')) continue
    const fields = line.split(/\s+/)
    let marker: KnownHostEntry['marker']
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields.shift() === '@revoked' ? 'revoked' : 'cert-authority'
    } else if (fields[0].startsWith('@')) {
      continue // an unknown marker: OpenSSH skips such lines too
    }
    const [hosts, keyType, keyBase64] = fields
    if (!hosts || !keyType || !keyBase64) continue
    const keyBlob = Buffer.from(keyBase64, 'base64')
    if (keyBlob.length === 0 || algorithmOfKeyBlob(keyBlob) !== keyType) continue
    entries.push({ marker, hosts, algorithm: keyType, fingerprint: fingerprintOfKeyBlob(keyBlob), keyBlob, line: i + 1 })
  }
  return entries
}

/** How OpenSSH writes a host into known_hosts: bare for port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')
  return new RegExp(`^${escaped}$`, 'i')
}

function hashedMatches(pattern: string, name: string): boolean {
  const [, kind, salt64, hash64] = pattern.split('|')
  if (kind !== '1' || !salt64 || !hash64) return false
  const digest = createHmac('sha1', Buffer.from(salt64, 'base64')).update(name).digest('base64')
  return digest === hash64
}

/** True when the comma-separated host field names `host` on `port` (negations win, as in OpenSSH). */
export function hostFieldMatches(hostsField: string, host: string, port: number): boolean {
  const name = knownHostsName(host, port)
  let matched = false
  for (const raw of hostsField.split(',')) {
    if (!raw) continue
    if (raw.startsWith('|')) {
      if (hashedMatches(raw, name)) matched = true
      continue
    }
    const negated = raw.startsWith('!')
    const pattern = negated ? raw.slice(1) : raw
    if (wildcardToRegExp(pattern).test(name)) {
      if (negated) return false
      matched = true
    }
  }
  return matched
}

function entriesForHost(entries: KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  return entries.filter((e) => hostFieldMatches(e.hosts, host, port))
}

/**
 * Judges a presented key. A revoked key is refused whatever host it is listed for; a different key of
 * the same algorithm is a mismatch; a host known only by keys of other algorithms is treated as unknown
 * (the person is asked) rather than silently trusted or refused.
 */
function revokedEntry(entries: KnownHostEntry[], keyBlob: Buffer): KnownHostEntry | undefined {
  return entries.find((e) => e.marker === 'revoked' && e.keyBlob.equals(keyBlob))
}

export function judgeHostKey(entries: KnownHostEntry[], host: string, port: number, keyBlob: Buffer): KnownHostsVerdict {
  const revoked = revokedEntry(entries, keyBlob)
  if (revoked) return { status: 'mismatch', revoked: true, entry: revoked }
  const plain = entriesForHost(entries, host, port).filter((e) => e.marker === undefined)
  const exact = plain.find((e) => e.keyBlob.equals(keyBlob))
  if (exact) return { status: 'known', entry: exact }
  const algorithm = algorithmOfKeyBlob(keyBlob)
  const sameAlgorithm = plain.find((e) => e.algorithm === algorithm)
  if (sameAlgorithm) return { status: 'mismatch', revoked: false, expected: sameAlgorithm.fingerprint, entry: sameAlgorithm }
  return { status: 'unknown', otherAlgorithms: [...new Set(plain.map((e) => e.algorithm))] }
}

export class KnownHosts {
  constructor(private readonly path: string = defaultKnownHostsPath()) {}

  /** A missing or unreadable file is simply an empty list: known_hosts is optional. */
  async entries(): Promise<KnownHostEntry[]> {
    try {
      return parseKnownHosts(await readFile(this.path, 'utf8'))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EACCES') return []
      throw err
    }
  }

  /** Plain entries for host:port; a key also listed `@revoked` is left out, wherever the revocation is. */
  async lookup(host: string, port: number): Promise<KnownHostEntry[]> {
    const entries = await this.entries()
    return entriesForHost(entries, host, port).filter((e) => e.marker === undefined && !revokedEntry(entries, e.keyBlob))
  }

  /** The `@revoked` line for this key, if known_hosts has one (for any host: a revoked key is revoked everywhere). */
  async revoked(keyBlob: Buffer): Promise<KnownHostEntry | undefined> {
    return revokedEntry(await this.entries(), keyBlob)
  }

  async judge(host: string, port: number, keyBlob: Buffer): Promise<KnownHostsVerdict> {
    return judgeHostKey(await this.entries(), host, port, keyBlob)
  }
}
