// A version's image, built where the project asks: on the server (the context sent over the connection), or
// by this computer's Docker engine with only the layers the server lacks sent to it. Either way the image
// ends up on the server under the version's name, and the job shows the build's steps and log.

import type { BuildWhere, LayerTransferDto } from '../../../shared/contract/deploy.js'
import { buildImage, type BuildProgress } from '../build/build-image.js'
import { buildHereAndSend } from '../build/local-build.js'
import type { Docker } from '../docker/docker-access.js'
import { openLocalEngine } from '../docker/local-engine.js'
import type { JobContext } from '../jobs/job-runner.js'
import type { BuildSource } from './project-folder.js'
import type { DeployServer } from './proxy.js'

/** The share of the job's progress bar the build takes (the send, when there is one, comes after it). */
const BUILD_SHARE = 0.6
const SEND_SHARE = 0.2

export interface VersionBuild {
  where: BuildWhere
  source: BuildSource
  image: string
  labels: Record<string, string>
}

/** Builds the version's image; for a build here, what was sent. */
export async function buildVersion(srv: DeployServer, build: VersionBuild, ctx: JobContext): Promise<LayerTransferDto | undefined> {
  const local = build.where === 'local'
  const buildShare = local ? BUILD_SHARE - SEND_SHARE : BUILD_SHARE
  let lastStep = ''
  const onProgress = (p: BuildProgress) => {
    if (p.line) ctx.log(p.line)
    if (p.stepText && p.stepText !== lastStep) {
      lastStep = p.stepText
      ctx.step(p.stepText)
      if (p.step && p.steps) ctx.progress([{ key: 'build', label: 'Build', current: p.step, total: p.steps }], (p.step / p.steps) * buildShare)
    }
  }
  const common = { ...build.source, tags: [build.image], labels: build.labels, signal: ctx.signal, onProgress }
  if (!local) {
    await buildImage(srv.docker, { ...common, serverName: srv.server })
    return undefined
  }
  ctx.step('Looking for Docker on this computer')
  const engine = await openLocalEngine()
  let sending = false
  const { sent } = await buildHereAndSend(engine, srv.docker, {
    ...common,
    serverName: srv.server,
    log: (line) => ctx.log(line),
    onSend: (bytes, total) => {
      if (!sending) {
        sending = true
        ctx.step(`Sending the layers ${srv.server} lacks`)
      }
      ctx.progress([{ key: 'send', label: 'Send', current: bytes, total, unit: 'bytes' }], buildShare + (bytes / Math.max(total, 1)) * SEND_SHARE)
    },
  })
  await dropOlderTags(engine.docker, build.image)
  return sent
}

/**
 * The app's earlier versions on this computer: the newest stays as the cache of the next build (and its base
 * layers with it); an older one's layers go unless the newest still uses them.
 */
async function dropOlderTags(docker: Docker, image: string): Promise<void> {
  const repository = image.slice(0, image.lastIndexOf(':'))
  const images = await docker.listImages({ filters: JSON.stringify({ reference: [repository] }) }).catch(() => [])
  const older = images.flatMap((i) => i.RepoTags ?? []).filter((t) => t !== image && t.startsWith(`${repository}:`))
  for (const tag of older) await docker.getImage(tag).remove().catch(() => {})
}
