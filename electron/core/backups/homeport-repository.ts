// A repository on another server added in Homeport. Over Homeport's own SSH connection to that server and
// with sudo there (its password asked once when sudo needs one, never kept), a dedicated user is made,
// confined by an sshd rule to SFTP inside one folder (`homeport-target-script.ts`), and given a fresh ed25519
// key whose private half only the keychain holds. From then on it is an SFTP repository reached from this
// server's restic container, with the other server's host key as Homeport pinned it. Whatever fails
// after the user was made takes it (and its rule) away again.

import ssh2 from 'ssh2'
import type { RepositoryDto, RepositoryTargetInput } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import { validateSudo, runStreamed, type SudoMode } from '../provision/sudo-runner.js'
import type { Prompter } from '../runtime/types.js'
import { backupRepoAccount } from '../secrets/accounts.js'
import { findRepository, readBackupConfig, type StoredRepository } from './backup-config.js'
import { TARGET_EXIT, TARGET_SCRIPT } from './homeport-target-script.js'
import { initialiseAndSave, probeHostKey, removeRepository } from './repositories.js'
import type { BackupServer } from './restic-call.js'

/** What the backups domain knows of the other servers added in Homeport. */
export interface HomeportTargets {
  /** The server added under this id or name (NOT_FOUND otherwise): its address and pinned host key. */
  find(idOrName: string): { id: string; name: string; host: string; port: number; hostKey?: string }
  session(serverId: string): Promise<SshSession>
  prompts: Prompter
}

type HomeportTarget = Extract<RepositoryTargetInput, { kind: 'homeport' }>

/** `hp-backup-<server>`: letters, digits and "-" only, within Linux's 32 characters. */
export function backupUserFor(serverName: string): string {
  const slug = serverName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 22).replace(/-+$/, '')
  return `hp-backup-${slug || 'server'}`
}

/** The comment the user is made with: how Homeport knows a user there is its own (no ":" or "," in a GECOS field). */
function markerFor(srv: BackupServer): string {
  return `Homeport backups from ${srv.serverId.replace(/[^A-Za-z0-9._-]/g, '')}`
}

function sudoHelp(server: string): { hint: string; cliHint: string } {
  return {
    hint: `Type the password sudo asks for on ${server}, and check that Homeport's user there may use sudo.`,
    cliHint: `Pass the password sudo asks for on ${server} with --sudo-password-stdin, and check that Homeport's user there may use sudo.`,
  }
}

/** Root on the other server: as root, by passwordless sudo, or with the password (given, or asked once). */
async function sudoOn(targets: HomeportTargets, target: { id: string; name: string }, session: SshSession, given: string | undefined): Promise<SudoMode> {
  if ((await session.exec(['id', '-u'])).stdout.trim() === '0') return { kind: 'root' }
  const probe = await session.exec(['sudo', '-n', 'true'], { timeoutMs: 30_000 })
  if (probe.code === 0) return { kind: 'passwordless' }
  if (probe.code === 127 || /command not found|not found/i.test(probe.stderr)) {
    throw new HomeportError('SUDO_UNAVAILABLE', `Homeport's user on ${target.name} cannot use sudo (it is not installed); nothing was changed there.`, { hint: `Install sudo on ${target.name} and allow Homeport's user to use it.` })
  }
  let password = given
  if (password === undefined) {
    const answer = await targets.prompts.ask({ kind: 'password', serverId: target.id, title: `sudo password on ${target.name}`, message: `Homeport makes a backup user on ${target.name} with sudo. Enter the password sudo asks for there; it is used for this only and never stored.` })
    if (typeof answer !== 'string') throw new HomeportError('SUDO_AUTH_FAILED', `No sudo password was given for ${target.name}; nothing was changed there.`, sudoHelp(target.name))
    password = answer
  }
  const mode: SudoMode = { kind: 'password', password }
  try {
    await validateSudo(session, mode)
  } catch (err) {
    if (err instanceof HomeportError && err.code === 'SUDO_AUTH_FAILED') throw new HomeportError('SUDO_AUTH_FAILED', `sudo on ${target.name} refused the password; nothing was changed there.`, { ...sudoHelp(target.name), ...(err.details ? { details: err.details } : {}) })
    throw err
  }
  return mode
}

/** Runs the script as root there; its own exit codes become errors that say what to change on that server. */
async function runTargetScript(session: SshSession, sudo: SudoMode, target: string, args: string[]): Promise<string> {
  const res = await runStreamed(session, ['sh', '-c', TARGET_SCRIPT, 'sh', ...args], { asRoot: true, sudo })
  if (res.code === 0) return res.output
  const said = res.output.split('\n').filter((l) => l.startsWith('homeport: ')).map((l) => l.slice(10)).join('; ') || res.output.trim().slice(-400)
  const details = res.output.trim().slice(-2000)
  const nothing = 'nothing was left half-made there'
  switch (res.code) {
    case TARGET_EXIT.noInclude:
      throw new HomeportError('COMMAND_FAILED', `sshd on ${target} does not read drop-in files (${said}); ${nothing}.`, { hint: `On ${target}, add the line \`Include /etc/ssh/sshd_config.d/*.conf\` at the top of /etc/ssh/sshd_config (as Debian and Ubuntu ship it), then add the repository again.`, details })
    case TARGET_EXIT.notOurs:
      throw new HomeportError('ALREADY_EXISTS', `${said} on ${target}; Homeport leaves it alone.`, { hint: `Remove or rename that user on ${target}, or add this repository from a server with another name.`, details })
    case TARGET_EXIT.unsafeFolder:
      throw new HomeportError('INVALID_INPUT', `The folder cannot confine a user on ${target}: ${said} (sshd's chroot needs a new or empty folder, every folder up to it owned by root and writable by no one else); ${nothing}.`, { hint: 'Choose another folder, or fix its owner and mode there.', cliHint: 'Choose another folder with --path, or fix its owner and mode there.', details })
    case TARGET_EXIT.configRefused:
    case TARGET_EXIT.notInEffect:
      throw new HomeportError('COMMAND_FAILED', `sshd on ${target} would not confine the backup user: ${said}; ${nothing}.`, { hint: `Check /etc/ssh/sshd_config on ${target} (\`sudo sshd -t\`), then add the repository again.`, details })
    case TARGET_EXIT.noUseradd:
      throw new HomeportError('COMMAND_FAILED', `${target} has no useradd; ${nothing}.`, { hint: `Install useradd there (package passwd or shadow).`, details })
    default:
      throw new HomeportError('COMMAND_FAILED', `Setting up the backup user on ${target} failed: ${said}.`, { hint: `Read the details; fix the cause on ${target}, then try again.`, details })
  }
}

export async function addHomeportRepository(srv: BackupServer, session: SshSession, targets: HomeportTargets, name: string, input: HomeportTarget, given?: string, sudoPassword?: string): Promise<{ repository: RepositoryDto; generatedPassword?: string }> {
  const target = targets.find(input.server)
  if (target.id === srv.serverId) throw new HomeportError('INVALID_INPUT', `A repository on ${srv.server} itself would not survive its disk; choose another server.`, { hint: 'Pick another server for this repository, or use a folder on an external drive instead.', cliHint: 'Give another server to --target, or use --path for a folder on this server.' })
  if (!target.hostKey) throw new HomeportError('HOST_KEY_UNKNOWN', `Homeport has no pinned host key for ${target.name} yet.`, { hint: `Connect to ${target.name} once and accept its host key, then add the repository again.` })
  const listed = (await readBackupConfig(session)).repositories
  if (listed.some((r) => r.name === name)) throw new HomeportError('ALREADY_EXISTS', `${srv.server} already has a backup repository named "${name}".`, { hint: 'Choose another name, or remove that repository first.' })
  const sameTarget = listed.find((r) => r.kind === 'homeport' && r.targetServerId === target.id)
  if (sameTarget) throw new HomeportError('ALREADY_EXISTS', `${srv.server} already backs up to ${target.name} (repository "${sameTarget.name}").`, { hint: 'Use that repository, or remove it first.' })
  const user = backupUserFor(srv.server)
  const folder = input.path ?? `/srv/homeport-backups/${user.slice('hp-backup-'.length)}`
  const marker = markerFor(srv)
  const targetSession = await targets.session(target.id)
  const sudo = await sudoOn(targets, target, targetSession, sudoPassword)
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: `homeport-backups@${srv.server}:${name}` })
  const made = await runTargetScript(targetSession, sudo, target.name, ['setup', user, folder, marker, pair.public])
  const existed = made.includes(`user ${user} (yes)`)
  const madeDirs = (/^homeport: made (.*)$/m.exec(made)?.[1] ?? '').split(' ').filter(Boolean)
  const keyAccount = backupRepoAccount(srv.serverId, name, 'ssh-key')
  try {
    const sftp = { kind: 'sftp' as const, host: input.host ?? target.host, port: input.port ?? target.port, user, path: '/data', hostKey: target.hostKey, trustOnFirstUse: false }
    const knownHost = await probeHostKey(srv, name, sftp, pair.private).catch((err: unknown) => {
      if (!(err instanceof HomeportError && err.code === 'HOST_KEY_MISMATCH')) throw err
      throw new HomeportError('HOST_KEY_MISMATCH', `From ${srv.server}, ${sftp.host}:${sftp.port} is not ${target.name}: ${err.message}`, {
        hint: `Give the address at which ${srv.server} reaches ${target.name} (its address on your network).`,
        cliHint: `Give the address at which ${srv.server} reaches ${target.name} with --target-host HOST (and --port).`,
      })
    })
    const repo: StoredRepository = { name, kind: 'homeport', createdAt: new Date().toISOString(), host: sftp.host, port: sftp.port, user, path: '/data', knownHost, hostKey: target.hostKey, targetServerId: target.id, targetUser: user, chroot: folder }
    await srv.secrets.set(keyAccount, pair.private)
    const added = await initialiseAndSave(srv, session, repo, given)
    return { ...added, repository: { ...added.repository, targetServer: target.name, targetUser: user } }
  } catch (err) {
    await srv.secrets.delete(keyAccount).catch(() => {})
    // A user that was there before (an earlier repository from this server) keeps its folder and data.
    if (!existed) await runTargetScript(targetSession, sudo, target.name, ['undo', user, folder, marker, ...madeDirs]).catch(() => {})
    throw err
  }
}

/** Forgets the repository; with `removeOnTarget`, first takes its user and sshd rule off the other server (the data stays there). */
export async function removeHomeportRepository(srv: BackupServer, session: SshSession, targets: HomeportTargets, name: string, removeOnTarget: boolean, sudoPassword?: string): Promise<void> {
  const config = await readBackupConfig(session)
  const repo = findRepository(config, name, srv.server)
  if (removeOnTarget && repo.kind === 'homeport' && repo.targetServerId && repo.targetUser && repo.chroot) {
    const users = config.policies.filter((p) => p.repository === name).map((p) => p.app)
    if (users.length) throw new HomeportError('INVALID_INPUT', `Repository ${name} is used by the backup policy of ${users.join(', ')}.`, { hint: 'Point those policies at another repository first.' })
    const target = targets.find(repo.targetServerId)
    const targetSession = await targets.session(target.id)
    await runTargetScript(targetSession, await sudoOn(targets, target, targetSession, sudoPassword), target.name, ['remove', repo.targetUser, repo.chroot, markerFor(srv)])
  }
  await removeRepository(srv, session, name)
}
