// Builds an image on the server from a folder on this computer: the context goes as a tar stream in the
// body of Docker's `/build` over the server's one SSH connection, and the answer streams back as JSON lines.
// The classic builder (`version=1`) is what a plain API call drives: BuildKit (`version=2`) needs a gRPC
// session dialled back from the client (`/session`), which the engine cannot open over this tunnel. The
// engine's cache is reused between builds (no `nocache`, no `pull`); intermediate containers are removed
// even when a step fails (`forcerm`). Aborting the request makes the engine cancel the build; the step's
// container is then removed as well, should the engine not have got there yet.

import type Docker from 'dockerode'
import type { IncomingMessage } from 'node:http'
import { HomeportError } from '../../../shared/errors.js'
import { toDockerError } from '../docker/docker-errors.js'
import { listBuildContext, tarBuildContext } from './build-context.js'
import { BuildOutput, type BuildFailure, type BuildProgress } from './build-progress.js'

export type { BuildProgress }

export interface BuildImageOptions {
  /** A folder on this computer. */
  contextDir: string
  /** Relative to `contextDir` (default `Dockerfile`); it must lie inside the context. */
  dockerfile?: string
  /** `--build-arg` values. */
  args?: Record<string, string>
  /** The stage of a multi-stage Dockerfile to stop at. */
  target?: string
  /** `os/arch` to build for (another engine's, when the image is built here for a server). */
  platform?: string
  /** `name:tag` references the image gets; the first one names it in messages. */
  tags: string[]
  labels?: Record<string, string>
  onProgress?: (p: BuildProgress) => void
  signal?: AbortSignal
  /** The server's name as the person knows it, for messages. */
  serverName?: string
}

export interface BuildImageResult {
  /** `sha256:…` */
  imageId: string
  log: string[]
  /** Steps run, and how many of them the engine took from its cache. */
  steps: number
  cachedSteps: number
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

function failed(subject: string, failure: BuildFailure): HomeportError {
  const where = failure.stepText ? ` at ${failure.stepText}` : ''
  return new HomeportError('BUILD_FAILED', `Building ${subject} failed${where}: ${failure.error}`, {
    details: [...failure.stepOutput, ...(failure.stepOutput.at(-1) === failure.error ? [] : [failure.error])].join('\n'),
  })
}

/** Reads the engine's answer line by line into `output`; resolves when the engine ends it. */
function follow(res: IncomingMessage, output: BuildOutput): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = ''
    const takeLine = (line: string) => {
      if (!line.trim()) return
      try {
        output.take(JSON.parse(line))
      } catch {
        output.take({ stream: `${line}\n` })
      }
    }
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => {
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) takeLine(line)
    })
    res.on('end', () => {
      takeLine(buffered)
      output.end()
      resolve()
    })
    res.on('error', reject)
    // Node's own word for a response cut off under it, which connection-lost.ts knows.
    res.on('aborted', () => reject(new Error('aborted')))
  })
}

/** The step's container, if the engine had not removed it yet when the build was abandoned. */
async function removeStepContainers(docker: Docker, ids: string[]): Promise<void> {
  await Promise.all(ids.map((id) => docker.getContainer(id).remove({ force: true }).catch(() => {})))
}

export async function buildImage(docker: Docker, opts: BuildImageOptions): Promise<BuildImageResult> {
  const subject = opts.tags[0] ?? opts.contextDir
  const serverName = opts.serverName ?? 'the server'
  const output = new BuildOutput(opts.onProgress)
  const cancelled = () => new HomeportError('CANCELLED', `The build of ${subject} was cancelled; nothing of it is left running.`)
  if (opts.signal?.aborted) throw cancelled()

  const context = await listBuildContext(opts.contextDir, opts.dockerfile)
  const note = `Sending the build context to ${serverName}: ${context.files} files, ${formatBytes(context.bytes)}`
  output.take({ stream: `${note}\n` })

  const body = tarBuildContext(opts.contextDir, context)
  let bodyError: unknown
  body.once('error', (err) => {
    bodyError = err
  })
  const query = {
    t: opts.tags,
    dockerfile: context.dockerfile,
    version: '1',
    rm: true,
    forcerm: true,
    ...(opts.args && Object.keys(opts.args).length ? { buildargs: opts.args } : {}),
    ...(opts.labels && Object.keys(opts.labels).length ? { labels: opts.labels } : {}),
    ...(opts.target ? { target: opts.target } : {}),
    ...(opts.platform ? { platform: opts.platform } : {}),
    ...(opts.signal ? { abortSignal: opts.signal } : {}),
  }

  let res: IncomingMessage | undefined
  const onAbort = () => res?.destroy()
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    try {
      res = (await docker.buildImage(body, query as unknown as Docker.ImageBuildOptions)) as unknown as IncomingMessage
      if (opts.signal?.aborted) res.destroy()
      await follow(res, output)
    } catch (err) {
      if (opts.signal?.aborted) throw cancelled()
      if (bodyError) throw new HomeportError('BUILD_CONTEXT_INVALID', `A file in the build folder ${opts.contextDir} could not be read.`, { details: String((bodyError as Error).message ?? bodyError), cause: bodyError })
      const mapped = toDockerError(err, serverName, `build ${subject}`)
      // The engine refused before any step ran (a Dockerfile it cannot parse, an unknown target).
      if (mapped.code === 'DOCKER_ERROR' && (mapped as { statusCode?: number }).statusCode !== undefined) {
        throw failed(subject, { error: mapped.details ?? mapped.message, stepOutput: [] })
      }
      throw mapped
    }
    if (output.failure) throw failed(subject, output.failure)
    // An answer that ends with neither an image nor an error was cut off with the connection.
    if (!output.imageId) throw new HomeportError('CONNECTION_LOST', `The connection to ${serverName} was lost while building ${subject}.`)
    const imageId = output.imageId
    return { imageId, log: output.log, steps: output.stepsSeen, cachedSteps: output.cachedSteps }
  } catch (err) {
    if (opts.signal?.aborted) {
      await removeStepContainers(docker, output.stepContainers)
      throw cancelled()
    }
    throw err
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
    body.destroy()
  }
}
