// One writer per app, across laptops: flock(1) on `.homeport-lock` in the app's folder, held by a small
// command that runs for as long as this Homeport keeps its channel open. The kernel lets go of the lock when
// that command ends — on release, or when the holder's SSH session dies with it — so a holder whose session
// is gone never blocks anyone, and two writers can never both hold it. The file says who holds it and since
// when, for the APP_BUSY message the next writer gets.

import os from 'node:os'
import { posix } from 'node:path'
import type { ClientChannel } from 'ssh2'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'

export const LOCK_FILE = '.homeport-lock'

export interface LockHolder {
  /** `user@host (pid N)` of the Homeport holding it. */
  holder: string
  /** What it is doing: install, update, remove… */
  what: string
  since: string
  runId: string
}

/** Who this process is, as another laptop sees it in APP_BUSY. */
export function localHolder(what: string, runId: string): LockHolder {
  let user = 'someone'
  try {
    user = os.userInfo().username
  } catch {
    // no user database entry: keep the placeholder
  }
  return { holder: `${user}@${os.hostname()} (pid ${process.pid})`, what, since: new Date().toISOString(), runId }
}

// Creates the folder if needed (saying whether it did), takes the lock without waiting, writes the holder and
// this shell's pid into the file, then blocks on stdin (with the lock's descriptor closed for that child, so
// only this shell holds it): the lock lives exactly as long as this channel. Exit 75 means busy. With a run
// id as $3, a lock still held for that same run — by this Homeport's previous connection, which the server
// has not noticed is gone — is taken back by ending its holder.
const SCRIPT = `dir=$1; existed=1; [ -d "$dir" ] || existed=0
command -v flock >/dev/null 2>&1 || { echo "flock(1) is not installed" >&2; exit 69; }
mkdir -p -m 700 -- "$dir" || exit 70
exec 9>>"$dir/${LOCK_FILE}" || exit 70
tries=0
while ! flock -n 9; do
  held=$(cat -- "$dir/${LOCK_FILE}")
  pid=$(printf '%s\\n' "$held" | sed -n 2p)
  case "$held" in *'"runId":"'"$3"'"'*) ;; *) printf '%s' "$held"; exit 75 ;; esac
  [ -n "$3" ] && [ "$tries" -lt 20 ] || { printf '%s' "$held"; exit 75; }
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  tries=$((tries + 1)); sleep 0.1
done
printf '%s\\n%s\\n' "$2" "$$" > "$dir/${LOCK_FILE}"
echo "locked $existed"
cat >/dev/null 9>&-
: > "$dir/${LOCK_FILE}" 2>/dev/null
exit 0`

function busyError(app: string, text: string): HomeportError {
  let who = 'another Homeport'
  try {
    const h = JSON.parse(text.trim().split('\n')[0]) as Partial<LockHolder>
    if (h.holder) who = `${h.holder}${h.what ? `, ${h.what}` : ''}${h.since ? `, since ${h.since}` : ''}`
  } catch {
    // an empty or foreign file: the lock is held, by whom is not written down
  }
  return new HomeportError('APP_BUSY', `"${app}" is being changed on this server by ${who}.`, { details: text.trim() || undefined })
}

export class AppLock {
  private channel?: ClientChannel
  private lost = false
  /** Whether the app's folder existed before the first acquire (it is created to hold the lock). */
  dirExisted = true

  private constructor(
    private readonly session: SshSession,
    readonly dir: string,
    readonly app: string,
    readonly holder: LockHolder,
  ) {}

  /** Takes the app's lock or throws APP_BUSY naming the holder. */
  static async acquire(session: SshSession, dir: string, holder: LockHolder): Promise<AppLock> {
    const lock = new AppLock(session, dir, posix.basename(dir), holder)
    lock.dirExisted = await lock.take()
    return lock
  }

  /** True while this process holds the lock (its channel is open). */
  get held(): boolean {
    return this.channel !== undefined && !this.lost
  }

  /**
   * The lock goes with the SSH connection: after a reconnect it is taken again before anything else is
   * changed. `afterRetake` checks that nobody else used the gap; it throws to stop the run.
   */
  async ensure(afterRetake?: () => Promise<void>): Promise<void> {
    if (this.held) return
    this.channel = undefined
    await this.take(true)
    await afterRetake?.()
  }

  /**
   * For a lock whose folder was made only to hold it: the lock file goes and the folder with it, but only if
   * nothing else is in it by then (never someone else's files).
   */
  async removeFolderIfEmpty(): Promise<void> {
    await this.session.exec(['sh', '-c', 'rm -f -- "$1/$2"; rmdir -- "$1" 2>/dev/null; true', 'sh', this.dir, LOCK_FILE])
  }

  async release(): Promise<void> {
    const channel = this.channel
    this.channel = undefined
    if (!channel || this.lost) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        channel.destroy()
        resolve()
      }, 3000)
      channel.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      channel.end()
    })
  }

  /** `reclaim`: a lock still held for this run (by a connection the server has not yet seen die) is taken back. */
  private async take(reclaim = false): Promise<boolean> {
    const channel = await this.session.execStream(['sh', '-c', SCRIPT, 'sh', this.dir, JSON.stringify(this.holder), reclaim ? this.holder.runId : ''])
    return new Promise<boolean>((resolve, reject) => {
      let out = ''
      let err = ''
      let settled = false
      channel.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')))
      channel.on('data', (d: Buffer) => {
        out += d.toString('utf8')
        const m = /^locked ([01])$/m.exec(out)
        if (m && !settled) {
          settled = true
          this.channel = channel
          this.lost = false
          resolve(m[1] === '1')
        }
      })
      channel.once('close', (code: number | null) => {
        if (this.channel === channel) this.lost = true
        if (settled) return
        settled = true
        if (code === 75) return reject(busyError(this.app, out))
        reject(
          new HomeportError('INTERNAL', `Could not lock "${this.app}" on the server before changing it.`, {
            hint: code === 69 ? 'Install util-linux (it provides flock) on the server.' : undefined,
            details: err.trim() || `exit code ${code}`,
          }),
        )
      })
    })
  }
}
