// The key-file check the Add-server dialog and `--identity` run before connecting: a missing file, a public
// key, a file that is no key at all and a wrong passphrase are each named, with keys made by ssh-keygen.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkKeyFile, expandHome } from './key-file.js'

const dir = mkdtempSync(join(tmpdir(), 'homeport-key-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const keygen = (name: string, passphrase: string) => {
  const file = join(dir, name)
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'homeport-test', '-f', file])
  return file
}
const plain = keygen('plain', '')
const locked = keygen('locked', 'open sesame')
const notAKey = join(dir, 'notes.txt')
writeFileSync(notAKey, 'not a key\n')

describe('checkKeyFile', () => {
  it('accepts an unencrypted private key, giving its absolute path', async () => {
    expect(await checkKeyFile(plain)).toEqual({ path: plain, encrypted: false })
  })

  it('reports a protected key as encrypted without a passphrase, and unlocks it with the right one', async () => {
    expect(await checkKeyFile(locked)).toEqual({ path: locked, encrypted: true })
    expect(await checkKeyFile(locked, 'open sesame')).toEqual({ path: locked, encrypted: true })
  })

  it('names a wrong passphrase', async () => {
    await expect(checkKeyFile(locked, 'wrong')).rejects.toMatchObject({ code: 'KEY_INVALID', message: `The passphrase does not unlock the key ${locked}.` })
  })

  it('names a missing file, a public key and a file that is no key', async () => {
    await expect(checkKeyFile(join(dir, 'nope'))).rejects.toMatchObject({ code: 'KEY_INVALID', message: `The key file ${join(dir, 'nope')} does not exist.` })
    await expect(checkKeyFile(`${plain}.pub`)).rejects.toMatchObject({ code: 'KEY_INVALID', message: expect.stringContaining('holds a public key') })
    await expect(checkKeyFile(notAKey)).rejects.toMatchObject({ code: 'KEY_INVALID', message: expect.stringContaining('is not a private key') })
  })

  it('expands ~ to the home folder', () => {
    expect(expandHome('~/.ssh/id_ed25519')).toBe(join(homedir(), '.ssh/id_ed25519'))
  })
})
