// restic runs in a short-lived container on the server, created through the tunnelled Docker API, so the
// server needs no restic of its own. The container carries no Compose labels (it is never taken for an
// app) and a label of its own, gets its secrets as files put into it before it starts (never in its
// environment, which `docker inspect` shows), streams restic's output line by line, and is removed when
// the call ends, cancelled or not. Containers left by a crash are swept on the next run.

import { PassThrough } from 'node:stream'
import type { Docker } from '../docker/docker-access.js'
import { isServerOutOfReach } from '../connection/connection-lost.js'
import { outcomeAfterDrop } from './restic-reattach.js'
import { secretArchive } from './secret-archive.js'

export const RESTIC_IMAGE_SETTING = 'backups.resticImage'
/**
 * The official image, restic 0.17.3 (its multi-arch manifest list), pinned by digest alone: with a tag as
 * well, dockerode's pull would send `restic:0.17.3` as the repository and the digest as the tag.
 */
export const DEFAULT_RESTIC_IMAGE = 'docker.io/restic/restic@sha256:8f5a62b422a2cb1277ea0dd6e826fe1acf649e5b9f02d60e5268d5fd1976255a'
export const BACKUP_LABEL = 'io.homeport.backup'
/** On each restic container: the repository it works on, and the app (backups and restores). */
export const REPOSITORY_LABEL = 'io.homeport.backup.repository'
export const APP_LABEL = 'io.homeport.backup.app'
/** restic's cache survives the container in a volume of its own, so a second run does not read the whole index again. */
const CACHE_VOLUME = 'homeport-restic-cache'
export const SECRETS_DIR = '/run/homeport'
const STALE_MS = 10 * 60_000

export interface ResticMount {
  type: 'volume' | 'bind'
  source: string
  target: string
  readOnly: boolean
}

export interface ResticRun {
  docker: Docker
  image: string
  /** What the container is for (its label value): `backup`, `restore`, `check`… */
  role: string
  /** `restic` arguments; with `entrypoint`, another program of the image (find, ssh). */
  args: string[]
  entrypoint?: string
  mounts: ResticMount[]
  /** Host folders created by Docker if missing (a repository on the server). */
  binds?: string[]
  /** Files under /run/homeport (password, SSH key, known_hosts, credentials). */
  secrets: Record<string, string>
  env?: Record<string, string>
  /** `host` when restic must reach a remote repository, `none` otherwise. */
  network: 'host' | 'none'
  signal?: AbortSignal
  onStdoutLine?: (line: string) => void
  /** Keep stdout's bytes as they came (an archive from `restic dump`), in `ResticOutput.bytes`. */
  binaryStdout?: boolean
  labels?: Record<string, string>
  /**
   * The container is created and given its secrets at once, but started only when this resolves (a backup
   * gets it ready while the app stops); when it rejects, the container is removed and the run fails with it.
   */
  startAfter?: Promise<unknown>
}

export interface ResticOutput {
  code: number
  stdout: string
  stderr: string
  /** stdout's bytes, for a run with `binaryStdout`. */
  bytes?: Buffer
}

function lines(onLine: ((line: string) => void) | undefined, sink: string[]): PassThrough {
  const stream = new PassThrough()
  let rest = ''
  stream.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString('utf8')
    const parts = text.split('\n')
    rest = parts.pop() ?? ''
    for (const line of parts) {
      sink.push(line)
      onLine?.(line)
    }
  })
  stream.on('end', () => {
    if (rest) {
      sink.push(rest)
      onLine?.(rest)
    }
  })
  return stream
}

function isMissing(err: unknown): boolean {
  return (err as { statusCode?: unknown } | undefined)?.statusCode === 404
}

export async function ensureImage(docker: Docker, image: string): Promise<void> {
  try {
    await docker.getImage(image).inspect()
    return
  } catch (err) {
    if (!isMissing(err)) throw err
  }
  const stream = await docker.pull(image)
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())))
}

const swept = new WeakSet<Docker>()

async function sweepStale(docker: Docker): Promise<void> {
  if (swept.has(docker)) return
  swept.add(docker)
  const found = await docker.listContainers({ all: true, filters: { label: [BACKUP_LABEL] } }).catch(() => [])
  // Only finished ones: a running restic may be another computer's backup, and a new one may be about to start.
  const old = found.filter((c) => c.State !== 'running' && Date.now() - c.Created * 1000 > STALE_MS)
  await Promise.all(old.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => {})))
}

/** The container a run is: the core creates it through the Docker API, a schedule on the server writes its `docker run` twin. */
export function containerOptions(run: Omit<ResticRun, 'docker' | 'secrets'>): Parameters<Docker['createContainer']>[0] {
  return {
    Image: run.image,
    Entrypoint: [run.entrypoint ?? 'restic'],
    // No shell: each argument reaches restic as it is.
    Cmd: run.args,
    User: '0:0',
    // `--json` status lines come 60 times a second by default: a few are enough for a bar, and each costs this
    // computer and the tunnel a little while restic needs the processor.
    Env: Object.entries({ RESTIC_PASSWORD_FILE: `${SECRETS_DIR}/password`, RESTIC_CACHE_DIR: '/cache', RESTIC_PROGRESS_FPS: '4', ...run.env }).map(([k, v]) => `${k}=${v}`),
    Labels: { [BACKUP_LABEL]: run.role, ...run.labels },
    NetworkDisabled: run.network === 'none',
    HostConfig: {
      NetworkMode: run.network,
      Binds: run.binds ?? [],
      Mounts: [
        { Type: 'volume', Source: CACHE_VOLUME, Target: '/cache', ReadOnly: false },
        ...run.mounts.map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      ],
    },
  }
}

/** Runs restic once in a fresh container and returns its exit code and output; the container is gone afterwards. */
export async function runRestic(run: ResticRun): Promise<ResticOutput> {
  const { docker } = run
  // Awaited below, or not at all when an earlier step fails: its rejection is the caller's to report.
  run.startAfter?.catch(() => {})
  await ensureImage(docker, run.image)
  await sweepStale(docker)
  const container = await docker.createContainer(containerOptions(run))
  const stdout: string[] = []
  const stderr: string[] = []
  const bytes: Buffer[] = []
  const onAbort = () => void container.kill({ signal: 'SIGINT' }).catch(() => {})
  try {
    await container.putArchive(secretArchive(SECRETS_DIR, run.secrets), { path: '/' })
    const attached = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream
    const out = lines(run.onStdoutLine, stdout)
    if (run.binaryStdout) out.on('data', (chunk: Buffer) => bytes.push(chunk))
    const err = lines(undefined, stderr)
    docker.modem.demuxStream(attached, out, err)
    const ended = new Promise<void>((resolve) => {
      attached.on('end', resolve)
      attached.on('close', resolve)
      attached.on('error', () => resolve())
    })
    await run.startAfter
    run.signal?.throwIfAborted()
    run.signal?.addEventListener('abort', onAbort, { once: true })
    await container.start()
    let code: number
    try {
      code = ((await container.wait()) as { StatusCode: number }).StatusCode
      await ended
      out.end()
      err.end()
    } catch (lost) {
      // An archive cut off cannot be completed from the engine's line log: the short call fails instead.
      if (!isServerOutOfReach(lost) || run.binaryStdout) throw lost
      // restic keeps running on the server when the connection drops: its result is read once it is back.
      code = await outcomeAfterDrop(container, stdout, stderr, run, lost)
    }
    run.signal?.throwIfAborted()
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n'), ...(run.binaryStdout ? { bytes: Buffer.concat(bytes) } : {}) }
  } finally {
    run.signal?.removeEventListener('abort', onAbort)
    await container.remove({ force: true }).catch(() => {})
  }
}
