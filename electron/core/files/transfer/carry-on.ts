// What a transfer does when the connection drops under it: the session reconnects by itself, so the file
// waits for the new connection and its SFTP channel, then runs again from where it got to. Only a lost
// connection is waited out; any other failure (and a cancel) ends the file. A command of the transfer can
// also end as a drop does (killed by a signal, or closed without an exit status) while the connection stays
// up: then there is no new channel to wait for, and the file runs again on the one it had, after a moment.

import type { SFTPWrapper } from 'ssh2'
import { HomeportError } from '../../../../shared/errors.js'
import { sftpIsOpen } from '../../connection/sftp.js'
import type { SshSession } from '../../connection/types.js'
import { isLost } from '../file-errors.js'

const closed = new WeakSet<SFTPWrapper>()
const watched = new WeakSet<SFTPWrapper>()

/** Gives up after this many drops in a row without a byte getting through. */
const MAX_DROPS = 20

function watch(sftp: SFTPWrapper): void {
  if (watched.has(sftp)) return
  watched.add(sftp)
  sftp.once('close', () => closed.add(sftp))
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** The session's SFTP channel, once it is a live one other than `dead`. */
export async function liveSftp(session: SshSession, signal: AbortSignal, dead?: SFTPWrapper): Promise<SFTPWrapper> {
  for (let tries = 1; ; tries++) {
    try {
      const sftp = await abortable(session.sftp(), signal)
      watch(sftp)
      if (sftp !== dead && !closed.has(sftp) && sftpIsOpen(sftp)) return sftp
    } catch (err) {
      // Right after a drop the session may still hand out the old client, whose channels fail at once;
      // a moment later it is reconnecting, and session.sftp() waits for the new connection.
      if (signal.aborted || !isLost(err) || tries > 600) throw err
    }
    await abortable(new Promise((r) => setTimeout(r, 100)), signal)
  }
}

export interface CarryOn {
  session: SshSession
  signal: AbortSignal
  log(line: string): void
}

/**
 * Runs `attempt` on a live SFTP channel until it succeeds. After a drop, `attempt` runs again on the next
 * connection's channel; it keeps its own offsets, so it picks up where the bytes stopped. `progressed` tells
 * whether the last attempt moved any bytes (only drops with no progress count towards giving up).
 */
export async function carryOn<T>(env: CarryOn, what: string, attempt: (sftp: SFTPWrapper) => Promise<T>, onDrop?: () => boolean): Promise<T> {
  let dead: SFTPWrapper | undefined
  let idleDrops = 0
  for (;;) {
    const sftp = await liveSftp(env.session, env.signal, dead)
    try {
      return await attempt(sftp)
    } catch (err) {
      if (env.signal.aborted) throw env.signal.reason ?? err
      const dropped = isLost(err) || closed.has(sftp) || env.session.state !== 'ready'
      if (!dropped) throw err
      const progressed = onDrop?.() ?? false
      idleDrops = progressed ? 0 : idleDrops + 1
      const stillUp = env.session.state === 'ready' && !closed.has(sftp) && sftpIsOpen(sftp)
      if (idleDrops >= MAX_DROPS) {
        const details = err instanceof Error ? err.message : String(err)
        if (stillUp) throw new HomeportError('COMMAND_FAILED', `The command on the server carrying ${what} kept ending early.`, { details, hint: 'Look at what ends processes on the server (memory, limits), then try again.' })
        throw new HomeportError('CONNECTION_LOST', `The connection kept dropping while transferring ${what}.`, { details })
      }
      if (stillUp) {
        env.log(`A command on the server ended early during ${what} (${err instanceof Error ? err.message : String(err)}); trying again.`)
        dead = undefined
        await abortable(new Promise((r) => setTimeout(r, 200 * idleDrops)), env.signal)
        continue
      }
      env.log(`Connection lost during ${what}; carrying on once it is back.`)
      dead = sftp
    }
  }
}
