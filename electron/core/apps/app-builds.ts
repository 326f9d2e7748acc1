// Services with `build:` get their image built on the server before an install or update plans: the context
// is a folder on this computer, relative to the compose file's folder (`buildDir`, which the front end
// gives with the compose file and which is remembered in the app's homeport.json for later updates). A build
// only adds or re-tags images; the containers are left to the run, so a failed build changes nothing that
// runs. Each build's steps and output go into the job: the step as the job's step, every line into its log,
// and a bar per image over its Dockerfile steps.

import { isAbsolute, resolve } from 'node:path'
import { HomeportError } from '../../../shared/errors.js'
import { buildImage } from '../build/build-image.js'
import { loadCompose } from '../compose/index.js'
import type { JobContext } from '../jobs/job-runner.js'
import { META_FILE, type AppDefinition, type AppMetaFile } from './app-definitions.js'
import { appDir } from './app-paths.js'
import type { AppServer } from './app-server.js'

/** The services of `definition` that build their image, with what to build. */
function servicesToBuild(server: AppServer, definition: AppDefinition) {
  const { project } = loadCompose({ yamlText: definition.compose, envFileText: definition.env, projectName: definition.name, projectDir: appDir(server.facts, definition.name), serverHome: server.facts.home })
  return Object.values(project.services).flatMap((s) => (s.build ? [{ service: s.name, image: s.image, build: s.build }] : []))
}

/** Whether the app builds any image (a definition that does not load plans and fails elsewhere, with its reasons). */
export function buildsImages(server: AppServer, definition: AppDefinition): boolean {
  try {
    return servicesToBuild(server, definition).length > 0
  } catch {
    return false
  }
}

/** The definition with `buildDir` remembered in its homeport.json, beside what that file already says. */
export function rememberBuildDir(definition: AppDefinition, meta: AppMetaFile, buildDir: string): AppDefinition {
  return { ...definition, files: { ...(definition.files ?? {}), [META_FILE]: JSON.stringify({ ...meta, buildDir }, null, 2) } }
}

export interface BuildAppOptions {
  /** The compose file's folder on this computer. */
  buildDir: string | undefined
  serverName: string
  ctx: JobContext
}

/** Builds every `build:` service's image; returns the services built. */
export async function buildAppImages(server: AppServer, definition: AppDefinition, opts: BuildAppOptions): Promise<string[]> {
  const builds = servicesToBuild(server, definition)
  if (!builds.length) return []
  const { buildDir, ctx } = opts
  if (!buildDir || !isAbsolute(buildDir)) {
    throw new HomeportError('BUILD_CONTEXT_INVALID', `"${definition.name}" builds ${builds.map((b) => b.service).join(', ')} from a folder, and the folder of its compose file on this computer is not known.`, {
      hint: 'Install or update the app from its compose file on this computer, so the build folders can be found beside it.',
      cliHint: 'Run the command with --file pointing at the compose file on this computer; build contexts are found beside it.',
    })
  }
  const docker = await server.docker()
  const bars = new Map(builds.map((b) => [b.service, { key: `build:${b.service}`, label: `Build ${b.service}`, unit: 'steps' as const, current: 0, total: 1 }]))
  const report = () => {
    const items = [...bars.values()]
    ctx.progress(items, items.reduce((s, i) => s + i.current / Math.max(i.total, 1), 0) / items.length)
  }
  for (const b of builds) {
    const contextDir = resolve(buildDir, b.build.context)
    ctx.step(`Building ${b.service} from ${contextDir}`)
    const bar = bars.get(b.service)!
    const result = await buildImage(docker, {
      contextDir,
      ...(b.build.dockerfile ? { dockerfile: b.build.dockerfile } : {}),
      args: b.build.args,
      ...(b.build.target ? { target: b.build.target } : {}),
      tags: [b.image, ...(b.build.alsoTag && b.build.alsoTag !== b.image ? [b.build.alsoTag] : [])],
      labels: { ...b.build.labels, 'io.homeport.app': definition.name, 'io.homeport.service': b.service },
      serverName: opts.serverName,
      signal: ctx.signal,
      onProgress: (p) => {
        if (p.line !== undefined) ctx.log(p.line)
        if (p.step !== undefined && p.steps !== undefined && (p.step - 1 !== bar.current || p.steps !== bar.total)) {
          bar.current = p.step - 1
          bar.total = p.steps
          report()
        }
      },
    })
    bar.current = bar.total
    report()
    ctx.log(`Built ${b.image} (${result.imageId.slice(7, 19)}): ${result.cachedSteps} of ${result.steps} steps from the server's cache`)
  }
  return builds.map((b) => b.service)
}
