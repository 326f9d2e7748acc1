// A private key file on this computer, checked before anything connects, so a mistyped path or a wrong
// passphrase is named at once (and in the window, at its field) instead of after the host-key question.

import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { resolve } from 'node:path'
import ssh2 from 'ssh2'
import type { KeyFileCheck } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'

export function expandHome(path: string): string {
  return resolve(path.replace(/^~(?=\/|$)/, homedir()))
}

export async function checkKeyFile(path: string, passphrase?: string): Promise<KeyFileCheck> {
  const full = expandHome(path)
  let data: Buffer
  try {
    data = await readFile(full)
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
    throw new HomeportError('KEY_INVALID', missing ? `The key file ${full} does not exist.` : `The key file ${full} could not be read.`, {
      hint: 'Check the path of the private key (for example ~/.ssh/id_ed25519).',
      cliHint: 'Check the path of the private key given to --identity (or --install-key).',
      details: String(err),
    })
  }
  const plain = ssh2.utils.parseKey(data)
  const encrypted = plain instanceof Error && /no passphrase given/i.test(plain.message)
  const parsed = encrypted && passphrase ? ssh2.utils.parseKey(data, passphrase) : plain
  if (parsed instanceof Error) {
    if (encrypted && !passphrase) return { path: full, encrypted: true }
    if (encrypted) throw new HomeportError('KEY_INVALID', `The passphrase does not unlock the key ${full}.`, { hint: 'Type the passphrase of this key again.', cliHint: 'Give the passphrase of this key on standard input with --password-stdin.', details: parsed.message })
    throw new HomeportError('KEY_INVALID', `The file ${full} is not a private key Homeport can read.`, { details: parsed.message })
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed
  if (!key?.isPrivateKey()) {
    throw new HomeportError('KEY_INVALID', `The file ${full} holds a public key; Homeport needs the private key.`, { hint: 'Give the file without .pub (for example ~/.ssh/id_ed25519).' })
  }
  return { path: full, encrypted }
}
