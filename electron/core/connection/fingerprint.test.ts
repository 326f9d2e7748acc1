import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { algorithmOfKeyBlob, fingerprintOfKeyBlob, normalizeFingerprint, sameFingerprint } from './fingerprint.js'

const dir = mkdtempSync(join(tmpdir(), 'homeport-fp-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const KEYS = [
  { type: 'ed25519', algorithm: 'ssh-ed25519', extra: [] },
  { type: 'ecdsa', algorithm: 'ecdsa-sha2-nistp256', extra: ['-b', '256'] },
  { type: 'ecdsa', algorithm: 'ecdsa-sha2-nistp384', extra: ['-b', '384'] },
  { type: 'rsa', algorithm: 'ssh-rsa', extra: ['-b', '2048'] },
]

describe('fingerprintOfKeyBlob', () => {
  for (const [i, key] of KEYS.entries()) {
    it(`matches ssh-keygen -lf for ${key.algorithm}`, () => {
      const file = join(dir, `key${i}`)
      execFileSync('ssh-keygen', ['-q', '-t', key.type, ...key.extra, '-N', '', '-f', file])
      const [, base64] = readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/)
      const blob = Buffer.from(base64, 'base64')
      const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`]).toString().split(/\s+/)[1]
      expect(printed).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
      expect(fingerprintOfKeyBlob(blob)).toBe(printed)
      expect(algorithmOfKeyBlob(blob)).toBe(key.algorithm)
    })
  }

  it('names nothing for a blob too short to hold an algorithm', () => {
    expect(algorithmOfKeyBlob(Buffer.from([0, 0]))).toBe('unknown')
    expect(algorithmOfKeyBlob(Buffer.from([0, 0, 1, 0, 65]))).toBe('unknown')
  })

  it('compares fingerprints written with or without prefix and padding', () => {
    expect(normalizeFingerprint(' abc= ')).toBe('SHA256:abc')
    expect(sameFingerprint('SHA256:abc', 'abc=')).toBe(true)
    expect(sameFingerprint('SHA256:abc', 'SHA256:abd')).toBe(false)
  })
})
