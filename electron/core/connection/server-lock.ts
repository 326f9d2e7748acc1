// A short critical section on the server, shared by everything that reads, changes and writes back one file
// there — two laptops, or two calls of one core. flock(1) holds the lock in a command that lives as long as
// its channel: the kernel lets go when the command ends, on release or with a dropped connection, so a lock
// is never left behind by a Homeport that went away.

import { HomeportError } from '../../../shared/errors.js'
import { channelExit } from './exec.js'
import type { SshSession } from './types.js'

/** How long a change waits for another one holding the lock. */
const WAIT_SECONDS = 30

// $1 the lock file (its folder made if missing), $2 seconds to wait. "locked" once held; then stdin is read to
// its end, which is this Homeport letting go (cat inherits the lock's descriptor, so it holds the lock).
const SCRIPT = `command -v flock >/dev/null 2>&1 || { echo "flock(1) is not installed" >&2; exit 69; }
mkdir -p -m 700 -- "$(dirname -- "$1")" || exit 70
exec 9>>"$1" || exit 70
flock -w "$2" 9 || exit 75
echo locked
exec cat >/dev/null`

/**
 * Runs `change` while this Homeport holds the lock `lockFile` on the server (waiting up to 30 s for another
 * holder), and lets go of it afterwards, whether `change` succeeded or not. `what` names the guarded thing
 * in messages: "the backup settings".
 */
export async function withServerLock<T>(session: SshSession, lockFile: string, what: string, change: () => Promise<T>): Promise<T> {
  const channel = await session.execStream(['sh', '-c', SCRIPT, 'homeport-lock', lockFile, String(WAIT_SECONDS)])
  const ended = channelExit(channel)
  let stderr = ''
  channel.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  const locked = await new Promise<boolean>((resolve) => {
    let out = ''
    channel.on('data', (c: Buffer) => {
      out += c.toString()
      if (out.includes('locked\n')) resolve(true)
    })
    void ended.then(() => resolve(false))
  })
  if (!locked) {
    const { code } = await ended
    if (code === 75) throw new HomeportError('TIMEOUT', `Another Homeport has been changing ${what} on this server for ${WAIT_SECONDS} s.`, { hint: 'Try again in a moment.' })
    if (code === 69) throw new HomeportError('COMMAND_FAILED', `${what} cannot be changed safely: flock(1) is not installed on the server.`, { hint: 'Install util-linux (it provides flock) on the server.' })
    if (code === undefined) throw new HomeportError('CONNECTION_LOST', `The connection closed while waiting to change ${what}.`)
    throw new HomeportError('PERMISSION_DENIED', `Could not take the lock ${lockFile} on the server to change ${what}.`, { details: stderr.trim() || `exit ${code}` })
  }
  try {
    return await change()
  } finally {
    channel.end()
    await ended
  }
}
