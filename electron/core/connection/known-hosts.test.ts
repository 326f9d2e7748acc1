import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fingerprintOfKeyBlob } from './fingerprint.js'
import { KnownHosts, hostFieldMatches, judgeHostKey, knownHostsName, parseKnownHosts } from './known-hosts.js'

const dir = mkdtempSync(join(tmpdir(), 'homeport-kh-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function makeKey(name: string, type = 'ed25519'): { line: string; blob: Buffer } {
  const file = join(dir, name)
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file])
  const [keyType, base64] = readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/)
  return { line: `${keyType} ${base64}`, blob: Buffer.from(base64, 'base64') }
}

const alpha = makeKey('alpha')
const beta = makeKey('beta')
const gamma = makeKey('gamma', 'ecdsa')
const revoked = makeKey('revoked')

describe('known_hosts', () => {
  it('writes names the way OpenSSH does', () => {
    expect(knownHostsName('nas.local', 22)).toBe('nas.local')
    expect(knownHostsName('nas.local', 2222)).toBe('[nas.local]:2222')
  })

  it('matches plain, bracketed, comma-listed, wildcard and negated host fields', () => {
    expect(hostFieldMatches('nas.local,192.168.1.5', '192.168.1.5', 22)).toBe(true)
    expect(hostFieldMatches('[nas.local]:2222', 'nas.local', 2222)).toBe(true)
    expect(hostFieldMatches('[nas.local]:2222', 'nas.local', 22)).toBe(false)
    expect(hostFieldMatches('nas.local', 'nas.local', 2222)).toBe(false)
    expect(hostFieldMatches('*.lan', 'pi.lan', 22)).toBe(true)
    expect(hostFieldMatches('*.lan,!evil.lan', 'evil.lan', 22)).toBe(false)
    expect(hostFieldMatches('NAS.LOCAL', 'nas.local', 22)).toBe(true)
  })

  it('matches hashed entries written by ssh-keygen -H', () => {
    const file = join(dir, 'hashed_known_hosts')
    writeFileSync(file, `nas.local ${alpha.line}\n[10.0.0.7]:2222 ${beta.line}\n`)
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' })
    const entries = parseKnownHosts(readFileSync(file, 'utf8'))
    expect(entries).toHaveLength(2)
    expect(entries.every((e) => e.hosts.startsWith('|1|'))).toBe(true)
    expect(judgeHostKey(entries, 'nas.local', 22, alpha.blob).status).toBe('known')
    expect(judgeHostKey(entries, '10.0.0.7', 2222, beta.blob).status).toBe('known')
    expect(judgeHostKey(entries, '10.0.0.7', 22, beta.blob).status).toBe('unknown')
    expect(judgeHostKey(entries, 'other.local', 22, alpha.blob).status).toBe('unknown')
  })

  it('calls a different key of the same algorithm a mismatch and names the expected fingerprint', () => {
    const entries = parseKnownHosts(`# comment\n\nnas.local ${alpha.line} me@laptop\n`)
    const verdict = judgeHostKey(entries, 'nas.local', 22, beta.blob)
    expect(verdict).toMatchObject({ status: 'mismatch', revoked: false, expected: fingerprintOfKeyBlob(alpha.blob) })
  })

  it('asks rather than refuses when only keys of other algorithms are on record', () => {
    const entries = parseKnownHosts(`nas.local ${gamma.line}\n`)
    expect(judgeHostKey(entries, 'nas.local', 22, alpha.blob)).toEqual({ status: 'unknown', otherAlgorithms: ['ecdsa-sha2-nistp256'] })
  })

  it('refuses a @revoked key whatever host it is listed under, and ignores @cert-authority lines for plain keys', () => {
    const entries = parseKnownHosts(`@revoked * ${revoked.line}\nnas.local ${revoked.line}\n@cert-authority *.lan ${beta.line}\n`)
    expect(judgeHostKey(entries, 'nas.local', 22, revoked.blob)).toMatchObject({ status: 'mismatch', revoked: true })
    expect(judgeHostKey(entries, 'pi.lan', 22, beta.blob).status).toBe('unknown')
  })

  it('skips malformed lines and unknown markers', () => {
    const entries = parseKnownHosts(`garbage\n@weird nas.local ${alpha.line}\nnas.local ssh-rsa ${alpha.line.split(' ')[1]}\nnas.local ${alpha.line}\n`)
    expect(entries).toHaveLength(1)
    expect(entries[0].line).toBe(4)
  })

  it('reads a file and treats a missing one as empty', async () => {
    const file = join(dir, 'kh')
    writeFileSync(file, `[127.0.0.1]:2222,nas ${alpha.line}\n`)
    const found = await new KnownHosts(file).lookup('127.0.0.1', 2222)
    expect(found.map((e) => e.fingerprint)).toEqual([fingerprintOfKeyBlob(alpha.blob)])
    expect(await new KnownHosts(join(dir, 'missing')).lookup('127.0.0.1', 2222)).toEqual([])
  })
})

describe('known_hosts @revoked', () => {
  it('leaves a key that is also listed @revoked out of the plain entries for its host', async () => {
    const file = join(dir, 'kh-revoked')
    writeFileSync(file, `nas.local ${alpha.line}\nnas.local ${beta.line}\n@revoked other.host ${alpha.line}\n`)
    const known = new KnownHosts(file)
    expect((await known.lookup('nas.local', 22)).map((e) => e.fingerprint)).toEqual([fingerprintOfKeyBlob(beta.blob)])
    expect((await known.revoked(alpha.blob))?.line).toBe(3)
    expect(await known.revoked(beta.blob)).toBeUndefined()
  })
})
