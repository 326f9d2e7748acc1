import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { chown, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { HomeServerInfo } from './types.js'
import { CLIENT_KEYS_DIR } from './paths.js'
import { run } from './process.js'

export type ClientKeys = HomeServerInfo['keys']

export function randomSecret(): string {
  return randomBytes(18).toString('base64url')
}

/** Client key pairs for every auth test: ed25519, ecdsa, rsa, and an ed25519 key under a passphrase. */
export async function generateClientKeys(): Promise<ClientKeys> {
  await rm(CLIENT_KEYS_DIR, { recursive: true, force: true })
  mkdirSync(CLIENT_KEYS_DIR, { recursive: true, mode: 0o700 })
  const passphrase = randomSecret()
  const keys: ClientKeys = {
    ed25519: join(CLIENT_KEYS_DIR, 'id_ed25519'),
    ecdsa: join(CLIENT_KEYS_DIR, 'id_ecdsa'),
    rsa: join(CLIENT_KEYS_DIR, 'id_rsa'),
    encrypted: join(CLIENT_KEYS_DIR, 'id_ed25519_encrypted'),
    encryptedPassphrase: passphrase,
  }
  await Promise.all([
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'homeport-test-ed25519', '-f', keys.ed25519]),
    run('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-C', 'homeport-test-ecdsa', '-f', keys.ecdsa]),
    run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '3072', '-N', '', '-C', 'homeport-test-rsa', '-f', keys.rsa]),
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'homeport-test-encrypted', '-f', keys.encrypted]),
  ])
  return keys
}

export interface TestUserSpec {
  name: string
  password: string
  inDockerGroup: boolean
  authorizedKeyFiles: string[]
  dockerHost: string
}

const PROFILE_MARK = '# homeport-test'

/**
 * Creates the user, or repairs a leftover one from a crashed run: password, groups, authorized_keys and
 * the DOCKER_HOST line in ~/.profile are rewritten every time.
 */
export async function ensureUser(spec: TestUserSpec): Promise<void> {
  const exists = (await run('id', ['-u', spec.name], { allowFailure: true })).code === 0
  if (!exists) await run('useradd', ['--create-home', '--shell', '/bin/bash', spec.name])
  // A new user is locked until it has a password.
  await run('chpasswd', [], { input: `${spec.name}:${spec.password}\n` })
  if (spec.inDockerGroup) await run('usermod', ['-aG', 'docker', spec.name])
  else await run('gpasswd', ['-d', spec.name, 'docker'], { allowFailure: true })

  const home = (await run('getent', ['passwd', spec.name])).stdout.split(':')[5] ?? `/home/${spec.name}`
  const uid = Number((await run('id', ['-u', spec.name])).stdout.trim())
  const gid = Number((await run('id', ['-g', spec.name])).stdout.trim())
  if (!existsSync(home)) mkdirSync(home, { recursive: true, mode: 0o755 })
  await chown(home, uid, gid)
  await dropForeignCrontab(spec.name, uid)

  const sshDir = join(home, '.ssh')
  mkdirSync(sshDir, { recursive: true, mode: 0o700 })
  const publicKeys = await Promise.all(spec.authorizedKeyFiles.map((file) => readFile(`${file}.pub`, 'utf8')))
  await writeFile(join(sshDir, 'authorized_keys'), publicKeys.map((key) => key.trim()).join('\n') + '\n', { mode: 0o600 })
  await chown(sshDir, uid, gid)
  await chown(join(sshDir, 'authorized_keys'), uid, gid)

  const profilePath = join(home, '.profile')
  const profile = await readFile(profilePath, 'utf8').catch(async () => readFile('/etc/skel/.profile', 'utf8').catch(() => ''))
  const kept = profile.split('\n').filter((line) => !line.endsWith(PROFILE_MARK))
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop()
  kept.push(`export DOCKER_HOST=${spec.dockerHost} ${PROFILE_MARK}`, '')
  await writeFile(profilePath, kept.join('\n'), { mode: 0o644 })
  await chown(profilePath, uid, gid)
}

export async function removeUser(name: string): Promise<void> {
  const exists = (await run('id', ['-u', name], { allowFailure: true })).code === 0
  if (!exists) return
  // -f: a session left over from a crashed run must not keep the account alive.
  await run('userdel', ['--force', '--remove', name], { allowFailure: true })
  await run('groupdel', [name], { allowFailure: true })
  await rm(crontabPath(name), { force: true })
}

// userdel leaves the user's crontab in cron's spool. A user made again by name gets another uid, and Debian's
// crontab then refuses the file it does not own ("fopen: Permission denied"), so every schedule fails.
const crontabPath = (name: string): string => join('/var/spool/cron/crontabs', name)

async function dropForeignCrontab(name: string, uid: number): Promise<void> {
  const owner = await stat(crontabPath(name)).then((s) => s.uid, () => uid)
  if (owner !== uid) await rm(crontabPath(name), { force: true })
}
