// A short-lived container with one named volume mounted, through which the files domain reads and writes
// that volume with Docker's archive API — which works on a created container that never runs, and needs no
// access to /var/lib/docker for the SSH user. It carries no Compose labels (so it is never taken for an
// app) and labels of its own, runs no network, and is removed when the call ends; helpers left by a crash
// are swept on the next use.

import { HomeportError } from '../../../../shared/errors.js'
import type { Docker } from '../../docker/docker-access.js'

export const VOLUME_HELPER_IMAGE_SETTING = 'files.volumeHelperImage'
/** Small, on every registry mirror, and has the few tools a remove or move runs (rm, mv, rmdir). */
export const DEFAULT_VOLUME_HELPER_IMAGE = 'busybox:1.36'
export const HELPER_LABEL = 'io.homeport.helper'
const HELPER_ROLE = 'volume-files'
export const MOUNT = '/volume'
const STALE_MS = 10 * 60_000

export interface VolumeTarget {
  /** The server's name as the person knows it. */
  server: string
  volume: string
  docker: Docker
  image: string
}

export type Container = Docker.Container

function statusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | undefined)?.statusCode
  return typeof code === 'number' ? code : undefined
}

export function isMissing(err: unknown): boolean {
  return statusOf(err) === 404
}

async function checkVolume(t: VolumeTarget): Promise<void> {
  try {
    await t.docker.getVolume(t.volume).inspect()
  } catch (err) {
    if (!isMissing(err)) throw err
    throw new HomeportError('NOT_FOUND', `There is no Docker volume named ${t.volume} on ${t.server}.`, { hint: 'Check the name: the volumes list shows the ones on the server.' })
  }
}

async function ensureImage(t: VolumeTarget): Promise<void> {
  try {
    await t.docker.getImage(t.image).inspect()
    return
  } catch (err) {
    if (!isMissing(err)) throw err
  }
  const stream = await t.docker.pull(t.image)
  await new Promise<void>((resolve, reject) => t.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())))
}

const swept = new WeakSet<Docker>()

/** Removes helpers older than a few minutes: a process that died mid-call leaves its helper behind. */
async function sweepStale(docker: Docker): Promise<void> {
  if (swept.has(docker)) return
  swept.add(docker)
  const found = await docker.listContainers({ all: true, filters: { label: [`${HELPER_LABEL}=${HELPER_ROLE}`] } }).catch(() => [])
  const old = found.filter((c) => Date.now() - c.Created * 1000 > STALE_MS)
  await Promise.all(old.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => {})))
}

/** Creates a helper (not started unless `cmd` is run by the caller), hands it over, and removes it. */
export async function withHelper<T>(t: VolumeTarget, opts: { write: boolean; cmd?: string[] }, work: (c: Container) => Promise<T>): Promise<T> {
  await checkVolume(t)
  await ensureImage(t)
  await sweepStale(t.docker)
  const container = await t.docker.createContainer({
    Image: t.image,
    // No shell: each argument reaches the program as it is.
    Cmd: opts.cmd ?? ['true'],
    User: '0:0',
    WorkingDir: '/',
    NetworkDisabled: true,
    Labels: { [HELPER_LABEL]: HELPER_ROLE, 'io.homeport.volume': t.volume },
    HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: t.volume, Target: MOUNT, ReadOnly: !opts.write }] },
  })
  try {
    return await work(container)
  } finally {
    await container.remove({ force: true }).catch(() => {})
  }
}

/** Runs `argv` in a helper and waits for it; a failure carries what the command printed. */
export async function runInVolume(t: VolumeTarget, argv: string[]): Promise<{ code: number; output: string }> {
  return withHelper(t, { write: true, cmd: argv }, async (c) => {
    await c.start()
    const { StatusCode } = (await c.wait()) as { StatusCode: number }
    const logs = StatusCode === 0 ? undefined : await c.logs({ stdout: true, stderr: true, follow: false }).catch(() => undefined)
    return { code: StatusCode, output: logs ? framesText(Buffer.from(logs as unknown as Buffer)) : '' }
  })
}

/** The text of Docker's multiplexed log frames (an 8-byte header each: stream, 3 zero bytes, length). */
function framesText(buf: Buffer): string {
  const parts: Buffer[] = []
  for (let at = 0; at + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(at + 4)
    parts.push(buf.subarray(at + 8, at + 8 + len))
    at += 8 + len
  }
  return Buffer.concat(parts).toString('utf8').trim()
}
