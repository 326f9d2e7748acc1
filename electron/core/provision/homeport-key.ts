// The key Homeport logs in with after set-up: an ed25519 key of its own per server, written to the data
// dir (mode 600) encrypted with a random passphrase that lives only in the keychain — or a key the user
// picked. Its public half is what goes into the server's authorized_keys.

import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import ssh2 from 'ssh2'
import { HomeportError } from '../../../shared/errors.js'

// ssh2 is CommonJS: Node's ESM loader sees its `Client` export but not `utils`, so take it off the default.
const { utils } = ssh2

export interface LoginKey {
  path: string
  /** `ssh-ed25519 AAAA… comment`, one authorized_keys line. */
  publicLine: string
  passphrase?: string
}

function publicLineOf(privateKey: string | Buffer, passphrase: string | undefined, comment: string): string | Error {
  const parsed = utils.parseKey(privateKey, passphrase)
  const key = Array.isArray(parsed) ? parsed[0] : parsed
  if (key instanceof Error) return key
  if (!key.isPrivateKey()) return new Error('this is a public key; set-up needs the private key file')
  return `${key.type} ${key.getPublicSSH().toString('base64')} ${comment}`
}

/** A new ed25519 key for this server, encrypted; written under dataDir/keys/. */
export function generateLoginKey(dataDir: string, serverId: string): LoginKey {
  const dir = join(dataDir, 'keys')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const passphrase = randomBytes(24).toString('base64url')
  const comment = `homeport@${hostname()}`
  // ssh2's generator now and then drops a leading zero byte of the public key, giving a key its own parser
  // rejects (about 1 in 256): draw again rather than hand the server a broken line.
  for (let attempt = 0; attempt < 10; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', { passphrase, cipher: 'aes256-ctr', rounds: 16, comment })
    // The public half alone: parsing the private one would cost another round of bcrypt.
    const pub = utils.parseKey(pair.public)
    if (pub instanceof Error) continue
    const line = `${pub.type} ${pub.getPublicSSH().toString('base64')} ${comment}`
    const path = join(dir, `${serverId}_ed25519`)
    writeFileSync(path, pair.private, { mode: 0o600 })
    chmodSync(path, 0o600)
    writeFileSync(`${path}.pub`, `${line}\n`, { mode: 0o644 })
    return { path, publicLine: line, passphrase }
  }
  throw new HomeportError('INTERNAL', 'Could not generate an SSH key.', { hint: 'Try again, or pick a key of your own.' })
}

/** A key the user already has: its public line, from the private key (asking nothing if unencrypted). */
export function existingLoginKey(path: string, passphrase?: string): LoginKey {
  let text: Buffer
  try {
    text = readFileSync(path)
  } catch (err) {
    throw new HomeportError('KEY_INVALID', `Cannot read the key file ${path}.`, { hint: 'Check the path.', details: (err as Error).message })
  }
  const line = publicLineOf(text, passphrase, `homeport@${hostname()}`)
  if (line instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(line.message)
    throw new HomeportError(encrypted ? 'PASSPHRASE_REQUIRED' : 'KEY_INVALID', encrypted ? `The key ${path} is protected by a passphrase.` : `${path} is not a private key Homeport can use.`, { details: line.message })
  }
  return { path, publicLine: line, ...(passphrase ? { passphrase } : {}) }
}

// A constant script: the key line arrives as $1, never inside the script text. It adds the line only when
// the same key is not there yet, and keeps the file's permissions as sshd's StrictModes wants them.
export const AUTHORIZE_SCRIPT = [
  'set -e',
  'umask 077',
  'mkdir -p "$HOME/.ssh"',
  'chmod 700 "$HOME/.ssh"',
  'f="$HOME/.ssh/authorized_keys"',
  'touch "$f"',
  'set -- $1',
  'grep -qF "$1 $2" "$f" || printf "%s %s %s\\n" "$1" "$2" "$3" >>"$f"',
  'chmod 600 "$f"',
].join('\n')

/** The type and base64 of an authorized_keys line: what identifies the key, whatever its comment. */
export function keyIdentity(line: string): string {
  const [type, blob] = line.trim().split(/\s+/)
  return `${type} ${blob}`
}
