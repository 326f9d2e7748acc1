// Turns `APP_ID | --file compose.yml`, `--env K=V`, `--env-file F` and `--catalog SRC` into the contract's
// app source and values. A compose file's neighbouring `.env` is read like Docker Compose does.

import fs from 'node:fs'
import path from 'node:path'
import { InvalidArgumentError } from 'commander'
import type { MethodInput } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import { parseDotenv } from '../core/compose/dotenv.js'
import { ProblemList } from '../core/compose/problems.js'
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

function envFileValues(text: string, label: string): Record<string, string> {
  const problems = new ProblemList()
  const values = parseDotenv(text, problems, { fileLabel: label })
  problems.throwIfAny()
  return values
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
    return { serverId, source: { compose, ...(env !== undefined ? { env } : {}) }, values, ...name }
  }
  const fromFile = opts.envFile ? envFileValues(readText(opts.envFile, 'env file'), opts.envFile) : {}
  return { serverId, source: { catalogId: appId!, ...(opts.catalog ? { catalog: opts.catalog } : {}) }, values: { ...fromFile, ...values }, ...name }
}
