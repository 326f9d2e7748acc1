// When the SSH connection drops under a restic run, the container goes on on the server (the engine does not
// know the client left). Once the connection is back, the run is found again by its container: waited for
// if still running, then its exit code and its whole output read from the engine's log — restic's JSON
// summary with the snapshot id is in it — so the caller gets the result as if it had never been cut off.

import type Dockerode from 'dockerode'
import { sleep } from '../connection/backoff.js'
import { isServerOutOfReach } from '../connection/connection-lost.js'
import type { ResticRun } from './restic-container.js'

/** How long a cut-off run waits for the connection to come back before it gives up on it. */
const RECONNECT_DEADLINE_MS = 3 * 60_000

/** The engine's multiplexed log (no TTY): frames of an 8-byte header (stream, 0, 0, 0, length) and the bytes. */
export function demuxLog(buf: Buffer): { stdout: string; stderr: string } {
  const parts: { stdout: Buffer[]; stderr: Buffer[] } = { stdout: [], stderr: [] }
  let at = 0
  while (at + 8 <= buf.length) {
    const size = buf.readUInt32BE(at + 4)
    ;(buf[at] === 2 ? parts.stderr : parts.stdout).push(buf.subarray(at + 8, at + 8 + size))
    at += 8 + size
  }
  return { stdout: Buffer.concat(parts.stdout).toString('utf8'), stderr: Buffer.concat(parts.stderr).toString('utf8') }
}

/**
 * The exit code of a run whose connection dropped; `stdout` and `stderr` are completed from the container's
 * log (lines already seen are not handed to `onStdoutLine` again). Throws `lost` when the connection does
 * not come back in time, the job's abort when it is cancelled meanwhile.
 */
export async function outcomeAfterDrop(container: Dockerode.Container, stdout: string[], stderr: string[], run: ResticRun, lost: unknown): Promise<number> {
  const deadline = Date.now() + RECONNECT_DEADLINE_MS
  const never = new AbortController().signal
  for (let attempt = 1; ; attempt++) {
    run.signal?.throwIfAborted()
    try {
      // A read: the Docker API repeats it on a fresh channel once the session is connected again.
      const state = (await container.inspect()).State
      if (state.Running) {
        await container.wait()
        continue
      }
      const log = demuxLog((await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer)
      const lines = log.stdout.split('\n').filter((l, i, all) => l || i < all.length - 1)
      for (const line of lines.slice(stdout.length)) {
        stdout.push(line)
        run.onStdoutLine?.(line)
      }
      stderr.splice(0, stderr.length, ...log.stderr.split('\n').filter(Boolean))
      return state.ExitCode
    } catch (err) {
      if (!isServerOutOfReach(err) || Date.now() > deadline) throw isServerOutOfReach(err) ? lost : err
      await sleep(Math.min(5_000, 500 * attempt), run.signal ?? never)
    }
  }
}
