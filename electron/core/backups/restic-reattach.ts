// When the SSH connection drops under a restic run, the container goes on on the server (the engine does not
// know the client left). Once the connection is back, the run is found again by its container: waited for
// if still running, then its exit code and its whole output read from the engine's log — restic's JSON
// summary with the snapshot id is in it — so the caller gets the result as if it had never been cut off.

import type Dockerode from 'dockerode'
import { sleep } from '../connection/backoff.js'
import { isServerOutOfReach } from '../connection/connection-lost.js'
import { LogDemuxer } from '../docker/log-demux.js'
import type { ResticRun } from './restic-container.js'

/** How long a cut-off run waits for the connection to come back before it gives up on it. */
const RECONNECT_DEADLINE_MS = 3 * 60_000

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
      const log = { stdout: [] as string[], stderr: [] as string[] }
      const demux = new LogDemuxer(false, (stream, line) => log[stream].push(line))
      demux.push((await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer)
      demux.end()
      for (const line of log.stdout.slice(stdout.length)) {
        stdout.push(line)
        run.onStdoutLine?.(line)
      }
      stderr.splice(0, stderr.length, ...log.stderr)
      return state.ExitCode
    } catch (err) {
      if (!isServerOutOfReach(err) || Date.now() > deadline) throw isServerOutOfReach(err) ? lost : err
      await sleep(Math.min(5_000, 500 * attempt), run.signal ?? never)
    }
  }
}
