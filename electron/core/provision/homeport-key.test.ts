import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { utils } from 'ssh2'
import { afterAll, describe, expect, it } from 'vitest'
import { AUTHORIZE_SCRIPT, existingLoginKey, generateLoginKey, keyIdentity } from './homeport-key.js'

const dir = mkdtempSync(join(tmpdir(), 'homeport-key-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// bcrypt key derivation makes each encrypted key take a while on a busy machine.
describe('the login key', { timeout: 60_000 }, () => {
  it('is an encrypted ed25519 key, mode 600, whose public line matches it', () => {
    const key = generateLoginKey(dir, 'srv1')
    expect((statSync(key.path).mode & 0o777).toString(8)).toBe('600')
    expect(utils.parseKey(readFileSync(key.path))).toBeInstanceOf(Error)
    const parsed = utils.parseKey(readFileSync(key.path), key.passphrase)
    if (parsed instanceof Error) throw parsed
    expect(key.publicLine.startsWith(`ssh-ed25519 ${parsed.getPublicSSH().toString('base64')} homeport@`)).toBe(true)
    expect(existingLoginKey(key.path, key.passphrase).publicLine).toBe(key.publicLine)
  })

  it('names the problem for an encrypted key without passphrase and a file that is no key', () => {
    const key = generateLoginKey(dir, 'srv2')
    expect(() => existingLoginKey(key.path)).toThrow(expect.objectContaining({ code: 'PASSPHRASE_REQUIRED' }))
    expect(() => existingLoginKey(`${key.path}.pub`)).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }))
    expect(() => existingLoginKey(join(dir, 'absent'))).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }))
  })

  it('is added to authorized_keys once, however often set-up runs, with the modes sshd wants', () => {
    const home = mkdtempSync(join(dir, 'home-'))
    const line = generateLoginKey(dir, 'srv3').publicLine
    const authorize = () => execFileSync('dash', ['-c', AUTHORIZE_SCRIPT, 'homeport-authorize', line], { env: { HOME: home, PATH: process.env.PATH } })
    authorize()
    authorize()
    const file = join(home, '.ssh/authorized_keys')
    expect(readFileSync(file, 'utf8').trim().split('\n').map(keyIdentity)).toEqual([keyIdentity(line)])
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600')
    expect((statSync(join(home, '.ssh')).mode & 0o777).toString(8)).toBe('700')
  })
})
