// The app's folder on the server (~/.local/share/homeport/apps/<app>/) is the source of truth: compose.yml
// and .env live there, so `docker compose` on the server and a second laptop see the same app.

import { posix } from 'node:path'
import { APP_NAME_PATTERN } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { COMPOSE_FILE } from '../compose/engine/container-spec.js'
import { SFTP_STATUS, sftpRequest, sftpStatus, writeServerFiles } from '../connection/sftp.js'
import type { SshSession } from '../connection/types.js'
import { JOURNAL_FILE } from './app-lock.js'

/** The app's values, read by `docker compose` too: it holds generated passwords. */
export const ENV_FILE = '.env'

/** The apps' folders, under the SSH user's home. */
const APPS_ROOT = '.local/share/homeport/apps'

export interface ServerFacts {
  home: string
  uid: number
  gid: number
  timezone: string
  /**
   * App folders that held a run's journal when the facts were read (the first apps call on a connection):
   * the runs to finish, found by the same command.
   */
  journalDirs?: string[]
}

const factsCache = new WeakMap<SshSession, Promise<ServerFacts>>()

/** Prints the facts and the unfinished runs' folders, a line each: one command for both. */
export const FACTS_SCRIPT = `printf "%s\\n" "$HOME"; id -u; id -g; { cat /etc/timezone 2>/dev/null || readlink /etc/localtime 2>/dev/null || echo UTC; } | head -n 1
for f in "$HOME/${APPS_ROOT}"/*/'${JOURNAL_FILE}'; do [ -f "$f" ] && printf "%s\\n" "\${f%/*}"; done; true`

/** The facts from what FACTS_SCRIPT printed. */
export function parseFacts(stdout: string, stderr = ''): ServerFacts {
  const [home, uid, gid, tz, ...journalDirs] = stdout.split('\n')
  if (!home?.startsWith('/')) throw new HomeportError('INTERNAL', 'Could not read the home folder of the SSH user on the server.', { details: stderr })
  return { home, uid: Number(uid), gid: Number(gid), timezone: (tz ?? 'UTC').replace(/^.*zoneinfo\//, '').trim() || 'UTC', journalDirs: journalDirs.filter(Boolean) }
}

/** Whether this connection's facts were asked for already. */
export function factsAsked(session: SshSession): boolean {
  return factsCache.has(session)
}

/** Facts read with another command (the first app lock's): the connection asks for them no more. */
export function rememberFacts(session: SshSession, facts: ServerFacts): void {
  if (!factsCache.has(session)) factsCache.set(session, Promise.resolve(facts))
}

export function serverFacts(session: SshSession): Promise<ServerFacts> {
  let facts = factsCache.get(session)
  if (!facts) {
    facts = session.exec(['sh', '-c', FACTS_SCRIPT, 'homeport-app-facts']).then((res) => parseFacts(res.stdout, res.stderr))
    facts.catch(() => factsCache.delete(session))
    factsCache.set(session, facts)
  }
  return facts
}

export function assertAppName(name: string): void {
  if (!APP_NAME_PATTERN.test(name)) {
    throw new HomeportError('INVALID_INPUT', `"${name}" is not a valid app name.`, {
      hint: 'Use lower-case letters, digits, "-" and "_", starting with a letter or digit (it becomes the Compose project name).',
    })
  }
}

export function appsRoot(facts: ServerFacts): string {
  return posix.join(facts.home, APPS_ROOT)
}

export function appDir(facts: ServerFacts, name: string): string {
  return posix.join(facts.home, appDirInHome(name))
}

/** The app's folder relative to the SSH user's home. */
export function appDirInHome(name: string): string {
  assertAppName(name)
  return posix.join(APPS_ROOT, name)
}

/**
 * `folderExists`: the app's lock already made the folder, so no command is needed first. `renameAfter`: see
 * writeServerFiles (the run's journal is written while the files upload).
 */
export async function writeAppFiles(session: SshSession, dir: string, files: Record<string, string>, opts: { folderExists?: boolean; renameAfter?: Promise<unknown> } = {}): Promise<void> {
  if (!opts.folderExists) {
    await session.exec(['mkdir', '-p', '-m', '700', '--', dir]).then((r) => {
      if (r.code !== 0) throw new HomeportError('INTERNAL', `Could not create ${dir} on the server.`, { details: r.stderr })
    })
  }
  for (const name of Object.keys(files)) {
    if (name.includes('/') || name === '..' || name === '.') throw new HomeportError('INVALID_INPUT', `Refusing app file name "${name}".`)
  }
  // The env file holds generated passwords: readable by the SSH user only.
  await writeServerFiles(session, Object.entries(files).map(([name, content]) => ({ path: posix.join(dir, name), content, mode: name === ENV_FILE ? 0o600 : 0o644 })), { renameAfter: opts.renameAfter })
}

/** App folders that hold a compose file (a removed app whose data was kept has none). One exec, not one SFTP call per folder. */
export async function listAppDirs(session: SshSession, facts: ServerFacts): Promise<string[]> {
  const script = 'for d in "$1"/*/; do [ -f "$d/$2" ] && basename "$d"; done; true'
  const res = await session.exec(['sh', '-c', script, 'sh', appsRoot(facts), COMPOSE_FILE])
  return res.stdout.split('\n').filter((n) => APP_NAME_PATTERN.test(n))
}

/** Whether the app's folder holds a compose file: one SFTP request, where listing every app takes a command. */
export async function hasComposeFile(session: SshSession, facts: ServerFacts, name: string): Promise<boolean> {
  const sftp = await session.sftp()
  const path = posix.join(appDir(facts, name), COMPOSE_FILE)
  return sftpRequest<{ isFile(): boolean }>(sftp, (cb) => sftp.stat(path, (err, st) => cb(err, st))).then(
    (st) => st.isFile(),
    (err: unknown) => {
      if (sftpStatus(err) === SFTP_STATUS.NO_SUCH_FILE) return false
      throw err
    },
  )
}

/** Bind-mount folders that must exist before the container starts (Compose's long syntax does not create them). */
export async function ensureDirs(session: SshSession, dirs: string[]): Promise<void> {
  if (!dirs.length) return
  const res = await session.exec(['mkdir', '-p', '--', ...dirs])
  if (res.code !== 0) {
    throw new HomeportError('INVALID_INPUT', `Could not create the folders the app mounts: ${dirs.join(', ')}.`, {
      hint: 'Folders outside your home may need to be created by root on the server first.',
      details: res.stderr,
    })
  }
}
