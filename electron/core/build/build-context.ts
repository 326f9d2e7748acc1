// The build context as the docker CLI sends it: every file under the context folder that `.dockerignore`
// does not leave out, as a tar stream (symlinks stored as links, owners left out; the engine's cache key
// takes names, modes and contents, not times). The Dockerfile and `.dockerignore` always go, even when
// ignored, as with `docker build`: the engine needs the one and the CLI adds the other.

import { lstat, readdir, readFile } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import { create as createTar } from 'tar'
import { HomeportError } from '../../../shared/errors.js'
import { DockerignoreMatcher, parseDockerignore } from './dockerignore.js'

export interface BuildContext {
  /** Paths relative to the context folder, `/`-separated, in the order they go into the tar. */
  entries: string[]
  files: number
  bytes: number
  /** The Dockerfile's path inside the context, as the engine's `dockerfile` parameter. */
  dockerfile: string
}

function contextError(message: string, err?: unknown): HomeportError {
  return new HomeportError('BUILD_CONTEXT_INVALID', message, {
    ...(err !== undefined ? { details: err instanceof Error ? err.message : String(err), cause: err } : {}),
  })
}

/** The Dockerfile's path inside the context; one outside it cannot be sent. */
export function dockerfileInContext(contextDir: string, dockerfile = 'Dockerfile'): string {
  const absolute = isAbsolute(dockerfile) ? dockerfile : resolve(contextDir, dockerfile)
  const inside = relative(contextDir, absolute)
  if (!inside || inside.startsWith('..') || isAbsolute(inside)) {
    throw contextError(`The Dockerfile ${absolute} is not inside the build folder ${contextDir}.`)
  }
  return inside.split(sep).join('/')
}

async function readIgnore(contextDir: string): Promise<string> {
  try {
    return await readFile(join(contextDir, '.dockerignore'), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw contextError(`The .dockerignore in ${contextDir} could not be read.`, err)
  }
}

/** Walks the context folder and decides what goes; reads nothing but names and sizes. */
export async function listBuildContext(contextDir: string, dockerfile?: string): Promise<BuildContext> {
  const root = resolve(contextDir)
  const stat = await lstat(root).catch((err: unknown) => {
    throw contextError(`The build folder ${root} was not found on this computer.`, err)
  })
  if (!stat.isDirectory()) throw contextError(`The build context ${root} is not a folder.`)
  const dockerfilePath = dockerfileInContext(root, dockerfile)
  const dockerfileStat = await lstat(join(root, dockerfilePath)).catch(() => undefined)
  if (!dockerfileStat?.isFile()) throw contextError(`There is no Dockerfile at ${join(root, dockerfilePath)}.`)

  const lines = parseDockerignore(await readIgnore(root))
  const matcher = new DockerignoreMatcher(lines.length ? [...lines, `!${dockerfilePath}`, '!.dockerignore'] : [])
  const context: BuildContext = { entries: [], files: 0, bytes: 0, dockerfile: dockerfilePath }

  const walk = async (dir: string, prefix: string): Promise<void> => {
    const names = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
      throw contextError(`The folder ${dir} in the build context could not be read.`, err)
    })
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of names) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name
      const ignored = matcher.ignores(path)
      if (entry.isDirectory()) {
        // An ignored folder is still walked when a `!` pattern may take back something inside it.
        if (!ignored) context.entries.push(path)
        if (!ignored || matcher.hasExclusions) await walk(join(dir, entry.name), path)
        continue
      }
      if (ignored) continue
      context.entries.push(path)
      context.files++
      if (entry.isFile()) context.bytes += (await lstat(join(dir, entry.name))).size
    }
  }
  await walk(root, '')
  return context
}

/** The tar stream of what `listBuildContext` chose; a file that cannot be read fails the stream. */
export function tarBuildContext(contextDir: string, context: BuildContext): Readable {
  const pack = createTar({ cwd: resolve(contextDir), portable: true, noDirRecurse: true, follow: false, strict: true }, context.entries)
  return Readable.from(pack, { objectMode: false })
}
