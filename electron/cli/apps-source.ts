// Turns `APP_ID | --file compose.yml`, `--env K=V`, `--env-file F` and `--catalog SRC` into the contract's
// app source and values. A compose file's neighbouring `.env`, its folder's name and its folder as the base
// of `build:` contexts count as they do for Docker Compose. Files are read here and sent as text, and paths
// made absolute, since a running Homeport may serve the call.

import fs from 'node:fs'
import path from 'node:path'
import { InvalidArgumentError } from 'commander'
import type { MethodInput } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import { composeFileName, folderAppName } from '../../shared/names.js'
import { usageError } from './output.js'

export interface SourceOptions {
  file?: string
  name?: string
  env: string[]
  envFile?: string
  catalog?: string
}

/** commander collector for repeatable `--env K=V`. */
export function collectEnv(value: string, previous: string[] = []): string[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(value)) throw new InvalidArgumentError('must be KEY=VALUE, KEY a variable name.')
  return [...previous, value]
}

function readText(file: string, what: string): string {
  const full = path.resolve(file)
  try {
    return fs.readFileSync(full, 'utf8')
  } catch (err) {
    throw new HomeportError('NOT_FOUND', `The ${what} ${full} could not be read.`, {
      hint: `Check the path given to ${what === 'compose file' ? '--file' : '--env-file'}.`,
      details: err instanceof Error ? err.message : String(err),
    })
  }
}

/** `apps update --file/--env-file`: the installed app's compose file and .env replaced by these (--dry-run needs one). */
export function editedFiles(opts: { file?: string; envFile?: string; dryRun?: boolean }): { compose?: string; env?: string; buildDir?: string } {
  if (opts.dryRun && !opts.file && !opts.envFile) throw usageError('--dry-run shows the plan of an edit: give --file or --env-file with it.')
  return {
    ...(opts.file ? { compose: readText(opts.file, 'compose file'), buildDir: path.dirname(path.resolve(opts.file)) } : {}),
    ...(opts.envFile ? { env: readText(opts.envFile, 'env file') } : {}),
  }
}

/** A catalog folder or archive as an absolute path (the core's working folder may not be ours); URLs as given. */
export function catalogSource(src: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(src) ? src : path.resolve(src)
}

export function planInput(serverId: string, appId: string | undefined, opts: SourceOptions): MethodInput<'apps.plan'> {
  if (appId && opts.file) throw usageError('Give either an app id or --file, not both.', 'Pass the catalog id (see `homeport apps catalog`) or --file compose.yml.')
  if (!appId && !opts.file) throw usageError('Which app? Give a catalog id or --file compose.yml.', 'See `homeport apps catalog` for the ids.')
  const values: Record<string, string> = {}
  for (const pair of opts.env) {
    const eq = pair.indexOf('=')
    values[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  const name = opts.name ? { name: opts.name } : {}
  if (opts.file) {
    const compose = readText(opts.file, 'compose file')
    const besideEnv = path.join(path.dirname(path.resolve(opts.file)), '.env')
    const envPath = opts.envFile ?? (fs.existsSync(besideEnv) ? besideEnv : undefined)
    const env = envPath ? readText(envPath, 'env file') : undefined
    // As `docker compose` names a project: --name, else the file's own `name:`, else its folder.
    const folder = opts.name || composeFileName(compose) ? undefined : folderAppName(path.basename(path.dirname(path.resolve(opts.file))))
    // `build:` contexts are folders beside the compose file, as for `docker compose build`.
    const buildDir = path.dirname(path.resolve(opts.file))
    return { serverId, source: { compose, ...(env !== undefined ? { env } : {}), buildDir }, values, ...name, ...(folder ? { name: folder } : {}) }
  }
  // The core reads the file's values (under the --env ones), with the same errors as any .env.
  const envFile = opts.envFile ? { envFile: { name: opts.envFile, text: readText(opts.envFile, 'env file') } } : {}
  return { serverId, source: { catalogId: appId!, ...(opts.catalog ? { catalog: catalogSource(opts.catalog) } : {}) }, values, ...envFile, ...name }
}
