// One writer per app, across laptops: flock(1) on `.homeport-lock` in the app's folder, held by a small
// command that runs for as long as this Homeport keeps its channel open. The kernel lets go of the lock when
// that command ends — on release, or when the holder's SSH session dies with it — so a holder whose session
// is gone never blocks anyone, and two writers can never both hold it. The file says who holds it and since
// when, for the APP_BUSY message the next writer gets.

import os from 'node:os'
import { posix } from 'node:path'
import type { ClientChannel } from 'ssh2'
import { HomeportError } from '../../../shared/errors.js'
import { awaitAnswer, recordRequest } from '../connection/round-trips.js'
import { readServerFileBytes } from '../connection/sftp.js'
import type { SshSession } from '../connection/types.js'

export const LOCK_FILE = '.homeport-lock'
/** The run's journal in the app's folder (run-journal.ts reads it), written through the lock's channel. */
export const JOURNAL_FILE = '.homeport-run.json'

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
// this shell's pid into the file, then reads stdin until the channel closes: the lock lives exactly as long
// as this channel. Each line it reads is the run's journal ($4 in the folder), written to a temporary name
// and moved into place, answered "saved N": a journal write costs one round trip on the open channel
// instead of an SFTP open, write and rename (children get the lock's descriptor closed, so only this shell
// holds it); a line "-" removes the journal, the same way. Before "locked" it says which of the names given
// after $4 are in the folder ("has NAME" lines; only those names, never one a container wrote), so that what
// is not there is not asked for. Exit 75 means busy. With a run id as $3, a lock still held for that same
// run — by this Homeport's previous connection, which the server has not noticed is gone — is taken back by
// ending its holder.
const LOCK_BODY = `existed=1; [ -d "$dir" ] || existed=0
command -v flock >/dev/null 2>&1 || { echo "flock(1) is not installed" >&2; exit 69; }
mkdir -p -m 700 -- "$dir" || exit 70
exec 9>>"$dir/${LOCK_FILE}" || exit 70
tries=0 waited=0
while ! flock -n 9; do
  held=$(cat -- "$dir/${LOCK_FILE}")
  if [ -z "$held" ] && [ "$waited" -lt 20 ]; then waited=$((waited + 1)); sleep 0.05; continue; fi
  pid=$(printf '%s\\n' "$held" | sed -n 2p)
  case "$held" in *'"runId":"'"$3"'"'*) ;; *) printf '%s' "$held"; exit 75 ;; esac
  [ -n "$3" ] && [ "$tries" -lt 20 ] || { printf '%s' "$held"; exit 75; }
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  tries=$((tries + 1)); sleep 0.1
done
[ -z "$only" ] || [ -e "$dir/$4" ] || { echo "no journal"; exit 0; }
printf '%s\\n%s\\n' "$2" "$$" > "$dir/${LOCK_FILE}"
journal=$4; shift 4
for f do [ -e "$dir/$f" ] && printf 'has %s\\n' "$f"; done
echo "locked $existed"
umask 077
n=0
while IFS= read -r line; do
  n=$((n + 1))
  case $line in
    -) rm -f -- "$dir/$journal" 9>&- ;;
    *) printf '%s\\n' "$line" > "$dir/$journal.tmp" && mv -f -- "$dir/$journal.tmp" "$dir/$journal" 9>&- ;;
  esac && echo "saved $n" || echo "failed $n"
done
: > "$dir/${LOCK_FILE}" 2>/dev/null
exit 0`

const SCRIPT = `dir=$1; ${LOCK_BODY}`
// For finishing an interrupted run: the lock is kept only if the journal is still there once it is taken. A
// run seen going a moment ago has usually just ended, and holding its lock for nothing would turn away the
// next change of the app with APP_BUSY.
const SCRIPT_IF_JOURNAL = `dir=$1; only=1; ${LOCK_BODY}`

/** The lock's command as $0, with the app's name: named so in the round trips `--verbose` prints. */
const lockCommand = (app: string) => `homeport-app-lock:${app}`

/** Said by the in-home form once the command run before the lock is done: what came before is its output. */
const FIRST_DONE = 'homeport-lock: first done'

// The folder as $1 under the home folder (not known yet to this process), after `first`: says the home folder,
// so the folder's path here is the one the shell used.
const inHomeScript = (first: string) => `${first}
printf '%s\\nhome %s\\n' '${FIRST_DONE}' "$HOME"
dir=$HOME/$1; ${LOCK_BODY}`

/** Locks let go of on each connection whose holding command has not ended yet, by folder. */
const closing = new WeakMap<SshSession, Map<string, Promise<void>>>()

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

/** Journal writes sent on one lock channel and not yet answered, by their number on that channel. */
interface Writes {
  sent: number
  waiting: Map<number, { resolve(): void; reject(err: Error): void }>
}

function lockLost(app: string): HomeportError {
  return new HomeportError('CONNECTION_LOST', `The connection to the server closed while the run's journal of "${app}" was being written.`, {
    hint: 'Homeport takes the lock again when the server is back and finishes or undoes the run.',
  })
}

export class AppLock {
  private channel?: ClientChannel
  private writes?: Writes
  private lost = false
  /** After release: settles once the holding command has ended (its channel closed). */
  private closed?: Promise<void>
  /** Of the names `look` asked about, those in the folder when the lock was taken; undefined when not known. */
  private listing?: Set<string>
  private readonly reads = new Map<string, Promise<{ data: Buffer; mode: number } | undefined>>()
  /** Whether the app's folder existed before the first acquire (it is created to hold the lock). */
  dirExisted = true

  private constructor(
    private readonly session: SshSession,
    private folder: string,
    readonly app: string,
    readonly holder: LockHolder,
    private readonly look: readonly string[],
  ) {}

  /** The app's folder on the server. */
  get dir(): string {
    return this.folder
  }

  /** Takes the app's lock or throws APP_BUSY naming the holder. `look`: files whose presence it notes (mayHold). */
  static async acquire(session: SshSession, dir: string, holder: LockHolder, look: readonly string[] = []): Promise<AppLock> {
    const lock = new AppLock(session, dir, posix.basename(dir), holder, look)
    lock.dirExisted = (await lock.take()).existed
    return lock
  }

  /** The lock, only if the folder still holds a run's journal once it is taken (undefined: no run to finish). */
  static async acquireIfJournal(session: SshSession, dir: string, holder: LockHolder): Promise<AppLock | undefined> {
    const lock = new AppLock(session, dir, posix.basename(dir), holder, [])
    const taken = await lock.take(false, undefined, true)
    if (!taken) return undefined
    lock.dirExisted = taken.existed
    return lock
  }

  /**
   * The same for the folder `dirInHome` under the SSH user's home, which this process may not know yet, in one
   * command with `first`: a script run before the lock is taken, whose output comes back with the lock (one
   * exchange for both, where the home folder would take one of its own first).
   */
  static async acquireInHome(session: SshSession, dirInHome: string, holder: LockHolder, look: readonly string[], first: string): Promise<{ lock: AppLock; output: string }> {
    const lock = new AppLock(session, dirInHome, posix.basename(dirInHome), holder, look)
    const taken = await lock.take(false, first)
    lock.dirExisted = taken.existed
    return { lock, output: taken.output }
  }

  /** False only when `name`, one of `look`, was not in the folder when the lock was taken (nobody else writes there meanwhile). */
  mayHold(name: string): boolean {
    return !this.listing || !this.look.includes(name) || this.listing.has(name)
  }

  /** A file of the folder as it was when the lock was taken: read once however many ask, not at all if it was not there. */
  readBefore(name: string): Promise<{ data: Buffer; mode: number } | undefined> {
    if (!this.mayHold(name)) return Promise.resolve(undefined)
    let read = this.reads.get(name)
    if (!read) {
      read = readServerFileBytes(this.session, posix.join(this.dir, name))
      this.reads.set(name, read)
      read.catch(() => this.reads.delete(name))
    }
    return read
  }

  /** After this process changed the folder (a rollback of an earlier run): files are asked for again. */
  forgetContents(): void {
    this.listing = undefined
    this.reads.clear()
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
    // Another Homeport may have used the gap: what was read before is not the folder any more.
    this.forgetContents()
    await this.take(true)
    await afterRetake?.()
  }

  /**
   * For a lock whose folder was made only to hold it: the lock file goes and the folder with it, but only if
   * nothing else is in it by then (never someone else's files). This process's own temporary uploads go too:
   * a connection cut under an upload leaves them, and no one else writes into a folder this lock made.
   * `*` never matches a leading dot in sh, so names like `.env` need their own `.*` pattern. So does a journal
   * of this lock's own run whose first write went out but whose answer was lost: nothing is changed before that
   * answer, so the journal names nothing to undo.
   */
  async removeFolderIfEmpty(): Promise<void> {
    // A lock let go of just now: its command empties the lock file on the way out, so it ends first.
    await this.closed
    const script = `rm -f -- "$1/$2" "$1"/*".homeport-$3-"*.tmp "$1"/.*".homeport-$3-"*.tmp
if [ -f "$1/$4" ] && grep -qF -- "\\"runId\\":\\"$5\\"" "$1/$4"; then rm -f -- "$1/$4"; fi
rmdir -- "$1" 2>/dev/null; true`
    await this.session.exec(['sh', '-c', script, 'sh', this.dir, LOCK_FILE, String(process.pid), JOURNAL_FILE, this.holder.runId])
  }

  /**
   * Writes the run's journal (one line of JSON) into the app's folder through the lock's channel: whole or
   * not at all, mode 600, answered once it is in place. Only while the lock is held.
   */
  writeJournal(json: string): Promise<void> {
    if (json.includes('\n')) return Promise.reject(new Error('a journal is written as one line'))
    return this.send(json, 'journal write')
  }

  /** Removes the run's journal from the app's folder through the lock's channel, answered once it is gone. */
  removeJournal(): Promise<void> {
    return this.send('-', 'journal removal')
  }

  private send(line: string, what: string): Promise<void> {
    const channel = this.channel
    const writes = this.writes
    if (!channel || !writes || this.lost) return Promise.reject(lockLost(this.app))
    const n = ++writes.sent
    const answered = recordRequest('exec', `app lock: ${what}`)
    return new Promise<void>((resolve, reject) => {
      writes.waiting.set(n, { resolve, reject })
      channel.write(`${line}\n`)
    }).finally(answered)
  }

  /**
   * Lets go: the channel's end ends the holding command, and with it the lock. Nothing waits for the channel's
   * close (a round trip) but what needs the command gone: the next lock on this folder over this connection,
   * and the folder's removal. Another connection's lock waits for the kernel, which lets go with the command.
   */
  async release(): Promise<void> {
    const channel = this.channel
    this.channel = undefined
    if (!channel || this.lost) return
    const closed = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        channel.destroy()
        resolve()
      }, 3000)
      timer.unref()
      channel.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    this.closed = closed
    let pending = closing.get(this.session)
    if (!pending) closing.set(this.session, (pending = new Map()))
    const byDir = pending
    byDir.set(this.dir, closed)
    void closed.then(() => {
      if (byDir.get(this.dir) === closed) byDir.delete(this.dir)
    })
    channel.end()
  }

  /**
   * `reclaim`: a lock still held for this run (by a connection the server has not yet seen die) is taken back.
   * `first`: run before, with the folder under the home folder (acquireInHome); its output is returned.
   */
  private async take(reclaim?: boolean, first?: string): Promise<{ existed: boolean; output: string }>
  private async take(reclaim: boolean, first: undefined, onlyWithJournal: true): Promise<{ existed: boolean; output: string } | undefined>
  private async take(reclaim = false, first?: string, onlyWithJournal = false): Promise<{ existed: boolean; output: string } | undefined> {
    // Answered by the "locked" line (or the command's end), not by the channel's opening.
    const answered = awaitAnswer('exec', lockCommand(this.app))
    const script = first !== undefined ? inHomeScript(first) : onlyWithJournal ? SCRIPT_IF_JOURNAL : SCRIPT
    let channel: ClientChannel
    try {
      await closing.get(this.session)?.get(this.dir)
      channel = await this.session.execStream(['sh', '-c', script, lockCommand(this.app), this.dir, JSON.stringify(this.holder), reclaim ? this.holder.runId : '', JOURNAL_FILE, ...this.look])
    } catch (err) {
      answered()
      throw err
    }
    const writes: Writes = { sent: 0, waiting: new Map() }
    let firstOutput = ''
    let beforeLock = first !== undefined
    return new Promise<{ existed: boolean; output: string } | undefined>((resolve, reject) => {
      let out = ''
      let err = ''
      let settled = false
      channel.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')))
      channel.on('data', (d: Buffer) => {
        out += d.toString('utf8')
        if (beforeLock) {
          // The first command's output, then the home folder: the folder's path is known from here on.
          const m = new RegExp(`^${FIRST_DONE}\nhome (.*)\n`, 'm').exec(out)
          if (!m) return
          firstOutput = out.slice(0, m.index)
          out = out.slice(m.index + m[0].length)
          this.folder = posix.join(m[1], this.folder)
          beforeLock = false
        }
        if (settled) {
          // After "locked": one answer per journal write, a line each.
          const lines = out.split('\n')
          out = lines.pop() ?? ''
          for (const line of lines) {
            const m = /^(saved|failed) (\d+)$/.exec(line)
            const waiter = m && writes.waiting.get(Number(m[2]))
            if (!m || !waiter) continue
            writes.waiting.delete(Number(m[2]))
            if (m[1] === 'saved') waiter.resolve()
            else waiter.reject(new HomeportError('INTERNAL', `Could not write the run's journal in the folder of "${this.app}" on the server.`, { hint: 'Check that the disk of the server is not full.' }))
          }
          return
        }
        if (onlyWithJournal && /^no journal$/m.test(out)) {
          answered()
          settled = true
          return resolve(undefined)
        }
        const m = /^locked ([01])$/m.exec(out)
        if (m) {
          answered()
          settled = true
          const listing = out.slice(0, m.index).split('\n').filter((l) => l.startsWith('has ')).map((l) => l.slice(4))
          out = out.slice(m.index + m[0].length + 1)
          this.listing = new Set(listing)
          this.channel = channel
          this.writes = writes
          this.lost = false
          resolve({ existed: m[1] === '1', output: firstOutput })
        }
      })
      channel.once('close', (code: number | null) => {
        for (const waiter of writes.waiting.values()) waiter.reject(lockLost(this.app))
        writes.waiting.clear()
        if (this.channel === channel) this.lost = true
        if (settled) return
        answered()
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
