// `build:` of a service: a folder (string form) or context/dockerfile/args/target/labels (long form). The
// image is built on the server from that folder on the computer that installs the app, and runs as
// `homeport/<project>-<service>:<tag>` (the tag of `image:` when the file names one, else `latest`), so a
// rebuild that changes nothing leaves the same image under the same name and the app stays up to date.
// Keys that would change what the build produces and cannot be honoured here are errors; the ones that only
// tune how a builder works are warnings.

import { joinPath, type ProblemList } from './problems.js'
import { normaliseEnvironment, normaliseKeyValues } from './service-fields.js'
import type { VariableLookup } from './interpolate.js'
import type { ComposeBuild } from './types.js'

type Raw = Record<string, unknown>

const UNSUPPORTED_BUILD_KEYS: Record<string, string> = {
  dockerfile_inline: 'dockerfile_inline is not supported; put the Dockerfile in the build folder',
  additional_contexts: 'additional_contexts are not supported; put what the build needs in its one folder',
  secrets: 'build secrets are not supported (they need BuildKit); pass the value as a build argument',
  ssh: 'build-time SSH access is not supported (it needs BuildKit)',
  entitlements: 'build entitlements are not supported (they need BuildKit)',
  privileged: 'privileged builds are not supported',
}

const IGNORED_BUILD_KEYS = ['cache_from', 'cache_to', 'platforms', 'tags', 'pull', 'no_cache', 'network', 'extra_hosts', 'shm_size', 'isolation', 'ulimits', 'provenance', 'sbom']

/** A context Docker would fetch itself (a git repository or an archive on the web): not a folder here. */
const REMOTE_CONTEXT = /^([a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/)/i

/** The tag the built image runs under: `image:`'s own tag, else `latest`. */
export function builtImageRef(project: string, service: string, image: string): string {
  const last = image.replace(/@.*$/, '').split('/').at(-1) ?? ''
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : ''
  return `homeport/${project}-${service.toLowerCase()}:${/^\w[\w.-]{0,127}$/.test(tag) ? tag : 'latest'}`
}

export function normaliseBuild(value: unknown, path: string, image: string, ctx: { problems: ProblemList; lookup: VariableLookup }): ComposeBuild | undefined {
  if (value === undefined || value === null) return undefined
  const spec: Raw = typeof value === 'string' ? { context: value } : (value as Raw)
  for (const key of Object.keys(spec)) {
    if (key in UNSUPPORTED_BUILD_KEYS) ctx.problems.unsupported(joinPath(path, key), UNSUPPORTED_BUILD_KEYS[key])
    else if (IGNORED_BUILD_KEYS.includes(key)) ctx.problems.warn(joinPath(path, key), `build.${key} is ignored; the server's engine builds with its own settings`)
  }
  const context = spec.context === undefined || spec.context === null ? '.' : String(spec.context)
  if (REMOTE_CONTEXT.test(context)) {
    ctx.problems.unsupported(joinPath(path, 'context'), `a remote build context (${context}) is not supported; clone it and give the folder`)
  }
  return {
    context,
    ...(typeof spec.dockerfile === 'string' ? { dockerfile: spec.dockerfile } : {}),
    args: normaliseEnvironment(spec.args, ctx.lookup),
    ...(typeof spec.target === 'string' ? { target: spec.target } : {}),
    labels: normaliseKeyValues(spec.labels),
    ...(image ? { alsoTag: image } : {}),
  }
}
