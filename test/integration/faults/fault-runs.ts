// The app the fault suite installs and breaks, and the means to break it at a chosen moment: a job is
// watched through its update events and, the first time its step or progress matches, the fault is injected
// while the job goes on. Between runs the app is reset around Homeport, so one bad run cannot spoil the next.

import fs from 'node:fs'
import type { JobDto } from '../../../shared/contract/index.js'
import { docker, killSshConnections, swapHostKey } from '../../homeserver/helpers.js'
import { childPids, readPidFile, sleep } from '../../homeserver/process.js'
import { stopSshd } from '../../homeserver/sshd.js'
import type { HomeServerInfo } from '../../homeserver/types.js'
import type { FaultCore } from './fault-core.js'
import { appFolder } from './fault-state.js'

/**
 * Three services on busybox only (other suites retag the shared httpd image): db turns healthy after a second
 * and may be slow to stop (`DB_GRACE`; as PID 1 it ignores SIGTERM, so a stop takes the whole grace period),
 * worker and web wait for it; web publishes a port and keeps a volume. MODE changes db, GREETING changes web.
 */
export const FAULT_COMPOSE = `
services:
  db:
    image: docker.io/homeport/busybox:1
    command: ["sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 3600"]
    environment:
      MODE: \${MODE:-one}
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      timeout: 2s
      retries: 20
    stop_grace_period: \${DB_GRACE:-1s}
  worker:
    image: docker.io/homeport/busybox:1
    command: ["sleep", "3600"]
    depends_on:
      db:
        condition: service_healthy
    stop_grace_period: 1s
  web:
    image: \${WEB_IMAGE:-docker.io/homeport/busybox:1}
    command: ["httpd", "-f", "-p", "80", "-h", "/tmp"]
    depends_on:
      db:
        condition: service_healthy
    environment:
      GREETING: \${GREETING:-hello}
    ports:
      - "127.0.0.1:\${WEB_PORT}:80"
    volumes:
      - data:/data
    stop_grace_period: 1s
volumes:
  data:
`

export interface FaultRun {
  job?: JobDto
  /** The job as it stands when it did not end in time. */
  stuck?: JobDto
  injected: boolean
  /** Milliseconds from the fault to the job's end. */
  afterFaultMs?: number
}

/** Starts a job and injects `fault` the first time one of its updates matches `when`. */
export async function runWithFault(t: FaultCore, start: () => Promise<{ jobId: string }>, when: (job: JobDto) => boolean, fault: () => Promise<void>, timeoutMs = 90_000): Promise<FaultRun> {
  let injecting: Promise<void> | undefined
  let at = 0
  const off = t.on('job.update', (job) => {
    if (injecting || job.state !== 'running' || !when(job)) return
    at = Date.now()
    injecting = fault()
  })
  try {
    const { jobId } = await start()
    const job = await t.finishedJob(jobId, timeoutMs)
    await injecting
    // A job still running is a hang: where it hangs is what to read.
    const stuck = job ? undefined : await t.call('jobs.get', { id: jobId }).catch(() => undefined)
    return { job, stuck, injected: injecting !== undefined, afterFaultMs: at ? Date.now() - at : undefined }
  } finally {
    off()
  }
}

export const stepIs = (pattern: RegExp) => (job: JobDto) => pattern.test(job.step ?? '')

/** Cuts every connection to the main sshd, as a network drop or a killed sshd child would. */
export const cutConnections = async () => void (await killSshConnections())

/** sshd is down (listener and connections) for `ms`, then back with its own key. */
export function outage(hs: HomeServerInfo, ms: number): () => Promise<void> {
  return async () => {
    await stopSshd(hs.sshdPidFile)
    await sleep(ms)
    await swapHostKey('original')
  }
}

/**
 * The connection goes silent for `ms` without being closed (the sshd processes of this run's connections are
 * stopped, so nothing answers): only the keepalive can tell. The listener stays up, so reconnecting works
 * while the server still holds the old connection. Then those processes end, as the server would end them.
 */
export function freeze(hs: HomeServerInfo, ms: number): () => Promise<void> {
  return async () => {
    const frozen = await sshdConnectionPids(hs)
    for (const pid of frozen) process.kill(pid, 'SIGSTOP')
    await sleep(ms)
    for (const pid of frozen) {
      try {
        process.kill(pid, 'SIGKILL')
        process.kill(pid, 'SIGCONT')
      } catch {
        // already gone
      }
    }
  }
}

/** This run's main sshd per-connection processes (`[priv]` and `@notty`), not the user's commands under them. */
async function sshdConnectionPids(hs: HomeServerInfo): Promise<number[]> {
  const listener = await readPidFile(hs.sshdPidFile)
  if (!listener) return []
  const privs = childPids(listener)
  return [...privs, ...privs.flatMap((p) => childPids(p))].filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sshd: ')
    } catch {
      return false
    }
  })
}

/** Removes the app around Homeport (containers, networks, volumes by label, the folder). */
export async function resetApp(hs: HomeServerInfo, app: string): Promise<void> {
  const filter = ['--filter', `label=com.docker.compose.project=${app}`]
  const ids = (args: string[]) => docker([...args, ...filter]).then((o) => o.split('\n').filter(Boolean))
  const containers = await ids(['ps', '-aq'])
  if (containers.length) await docker(['rm', '-f', ...containers])
  for (const n of await ids(['network', 'ls', '-q'])) await docker(['network', 'rm', n]).catch(() => '')
  for (const v of await ids(['volume', 'ls', '-q'])) await docker(['volume', 'rm', '-f', v]).catch(() => '')
  fs.rmSync(appFolder(hs, app), { recursive: true, force: true })
}

/** Builds an image with a random 24 MiB layer, pushed to the registry, so a pull of it is a real download. */
export async function pushBlobImage(hs: HomeServerInfo, tag: string): Promise<string> {
  const ref = `${hs.registry}/homeport/fault-blob:${tag}`
  const src = `hp-fault-blob-src-${process.pid}`
  await docker(['rm', '-f', src]).catch(() => '')
  await docker(['run', '--name', src, `${hs.registry}/homeport/busybox:1`, 'sh', '-c', 'head -c 25165824 /dev/urandom > /blob'])
  await docker(['commit', src, ref])
  await docker(['rm', src])
  await docker(['push', '--quiet', ref])
  return ref
}
