// Builds an image with this computer's Docker engine, for the server's platform, and sends the server only
// the layers it lacks: `docker save` here into a temporary file, its layer files the server already holds
// (by chain ID) left out, the rest streamed into the server's `POST /images/load` over the SSH connection.
// The server's engine must keep images in its classic store, which looks a layer up before it reads its
// file; with the containerd image store the whole image goes. The temporary file goes on every path.

import { mkdtemp, rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createWriteStream } from 'node:fs'
import type { LayerTransferDto } from '../../../shared/contract/deploy.js'
import { HomeportError } from '../../../shared/errors.js'
import type { Docker } from '../docker/docker-access.js'
import { toDockerError } from '../docker/docker-errors.js'
import type { LocalEngine } from '../docker/local-engine.js'
import { buildImage, formatBytes, type BuildImageOptions } from './build-image.js'
import { presentLayers } from './image-layers.js'
import { filteredTar, planSend, readSavedImage } from './save-tar.js'

export interface LocalBuildOptions extends Omit<BuildImageOptions, 'platform' | 'serverName'> {
  serverName: string
  /** Bytes sent so far of those to send. */
  onSend?: (sent: number, total: number) => void
  log?: (line: string) => void
}

export interface LocalBuildResult {
  imageId: string
  sent: LayerTransferDto
}

const HERE = 'this computer'
const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', armhf: 'arm', armv7l: 'arm' }
const arch = (a: string | undefined) => (a ? (ARCH_ALIASES[a] ?? a) : 'unknown')

export function platformOf(os: string | undefined, architecture: string | undefined): string {
  return `${os ?? 'linux'}/${arch(architecture)}`
}

/** The built image must run on the server: the same OS and CPU architecture. */
export function checkPlatform(built: { Os?: string; Architecture?: string }, serverPlatform: string, serverName: string, image: string): void {
  const builtPlatform = platformOf(built.Os, built.Architecture)
  if (builtPlatform === serverPlatform) return
  throw new HomeportError('PLATFORM_MISMATCH', `${image} was built on ${HERE} for ${builtPlatform}, but ${serverName} runs ${serverPlatform}.`, {
    details: `Docker on ${HERE} could not build for ${serverPlatform}: it needs emulation for that architecture (binfmt/QEMU), or the Dockerfile's FROM image has no ${serverPlatform} variant.`,
  })
}

/** The server's engine keeps images in containerd's store (Docker 24+ with the snapshotter enabled). */
export function usesContainerdStore(info: { DriverStatus?: [string, string][] | null }): boolean {
  return (info.DriverStatus ?? []).some(([k, v]) => k === 'driver-type' && String(v).startsWith('io.containerd.snapshotter'))
}

/** Reads the engine's answer to `/images/load`; its error, if it reports one, is thrown. */
function loadAnswer(res: IncomingMessage): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = ''
    res.setEncoding('utf8')
    res.on('data', (c: string) => (text += c))
    res.on('error', reject)
    res.on('aborted', () => reject(new Error('aborted')))
    res.on('end', () => {
      const lines = text.split('\n').filter((l) => l.trim())
      const said: string[] = []
      for (const line of lines) {
        let message: { stream?: string; error?: string; errorDetail?: { message?: string } }
        try {
          message = JSON.parse(line) as typeof message
        } catch {
          message = { stream: line }
        }
        if (message.error || message.errorDetail) return reject(new Error(message.errorDetail?.message ?? message.error))
        if (message.stream?.trim()) said.push(message.stream.trim())
      }
      resolve(said)
    })
  })
}

export async function buildHereAndSend(local: LocalEngine, server: Docker, opts: LocalBuildOptions): Promise<LocalBuildResult> {
  const { serverName, signal } = opts
  const image = opts.tags[0]!
  const log = opts.log ?? (() => {})
  const cancelled = () => new HomeportError('CANCELLED', `Building ${image} on ${HERE} was cancelled; nothing of it was loaded on ${serverName}.`)
  const [version, info, present] = await Promise.all([server.version(), server.info(), presentLayers(server)]).catch((err: unknown) => {
    throw toDockerError(err, serverName, 'read which layers it has')
  })
  const serverPlatform = platformOf(version.Os, version.Arch)
  log(`Building on ${HERE} (Docker ${local.version}, ${local.platform}) for ${serverName} (${serverPlatform})`)
  const built = await buildImage(local.docker, { ...opts, platform: serverPlatform, serverName: `Docker on ${HERE}` })
  const inspected = await local.docker.getImage(built.imageId).inspect().catch((err: unknown) => {
    throw toDockerError(err, HERE, `inspect image ${image}`)
  })
  checkPlatform(inspected, serverPlatform, serverName, image)

  const dir = await mkdtemp(join(tmpdir(), 'homeport-image-'))
  try {
    const file = join(dir, 'image.tar')
    try {
      // By its name, so the archive carries the tag the server is to give it.
      const saved = (await local.docker.getImage(image).get()) as unknown as IncomingMessage
      await pipeline(saved, createWriteStream(file), ...(signal ? [{ signal }] : []))
    } catch (err) {
      if (signal?.aborted) throw cancelled()
      throw toDockerError(err, HERE, `save image ${image}`)
    }
    const archive = await readSavedImage(file)
    const wholeImage = usesContainerdStore(info)
    if (wholeImage) log(`${serverName} keeps images in containerd's store, which reads every layer of a loaded image: sending all of them`)
    const plan = planSend(archive, wholeImage ? new Set() : present)
    log(`${serverName} has ${plan.layers - plan.layersSent} of the ${plan.layers} layers: sending ${plan.layersSent}, ${formatBytes(plan.bytesSent)} of ${formatBytes(plan.bytesFull)}`)
    let sent = 0
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        sent += chunk.length
        opts.onSend?.(sent, plan.bytesSent)
        done(null, chunk)
      },
    })
    const body = filteredTar(file, plan)
    body.on('error', (err) => counter.destroy(err))
    body.pipe(counter)
    // A cancel cuts the request only while the body is still going: the body is chunked, so the engine then
    // never sees its end and loads nothing. Once it has all gone, the engine may load it whatever the
    // connection does; its answer is awaited and what it loaded removed (below).
    const cut = new AbortController()
    let bodyEnded = false
    counter.once('end', () => (bodyEnded = true))
    const onAbort = () => {
      if (!bodyEnded) cut.abort()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      if (signal?.aborted) onAbort()
      const res = (await server.loadImage(counter, { quiet: true, abortSignal: cut.signal })) as unknown as IncomingMessage
      for (const line of await loadAnswer(res)) log(line)
    } catch (err) {
      if (cut.signal.aborted) throw cancelled()
      throw toDockerError(err, serverName, `load image ${image}`)
    } finally {
      signal?.removeEventListener('abort', onAbort)
      body.destroy()
    }
    // A cancel that came as the engine finished: what it loaded goes, as if the load had been cut.
    if (signal?.aborted) {
      await server.getImage(image).remove().catch(() => {})
      throw cancelled()
    }
    // The classic store names an image by its config's digest; a local containerd store by its manifest's.
    const expected = `sha256:${/([0-9a-f]{64})(\.json)?$/.exec(archive.manifest[0]!.Config)?.[1] ?? ''}`
    const onServer = await server.getImage(image).inspect().catch(() => undefined)
    if (onServer?.Id !== expected) {
      if (onServer) await server.getImage(image).remove().catch(() => {})
      throw new HomeportError('DOCKER_ERROR', `${serverName} did not keep ${image} as it was sent.`, {
        details: `The image is ${expected} (${built.imageId}) on ${HERE}, ${onServer?.Id ?? 'absent'} on ${serverName}.`,
      })
    }
    return { imageId: onServer.Id, sent: { layers: plan.layers, layersSent: plan.layersSent, bytesSent: sent, bytesFull: plan.bytesFull } }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
