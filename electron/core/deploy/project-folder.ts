// A project folder on this computer: its homeport.yml (what and where to deploy), its Dockerfile or compose
// file (what to build), its language (for a minimal Dockerfile) and its git commit (for the version name).

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parse, stringify } from 'yaml'
import { DeployConfig, type DeployConfigDto, type DeployProjectDto, type Stack } from '../../../shared/contract/deploy.js'
import { HomeportError } from '../../../shared/errors.js'
import { dockerfileFor } from './dockerfile-templates.js'

export const CONFIG_FILE = 'homeport.yml'
const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml']

async function assertFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined)
  if (!info?.isDirectory()) {
    throw new HomeportError('INVALID_INPUT', `${dir} is not a folder on this computer.`, { hint: 'Choose the project folder to deploy.', cliHint: 'Run the command in the project folder, or give its path: `homeport deploy DIR`.' })
  }
}

export function detectStack(dir: string): Stack | undefined {
  if (existsSync(join(dir, 'package.json'))) return 'node'
  if (existsSync(join(dir, 'go.mod'))) return 'go'
  if (existsSync(join(dir, 'requirements.txt')) || existsSync(join(dir, 'pyproject.toml'))) return 'python'
  return undefined
}

export function gitCommit(dir: string): Promise<string | undefined> {
  return new Promise((done) => {
    execFile('git', ['-C', dir, 'rev-parse', '--short=7', 'HEAD'], { timeout: 5_000 }, (err, stdout) => {
      const commit = String(stdout).trim()
      done(!err && /^[0-9a-f]{4,12}$/.test(commit) ? commit : undefined)
    })
  })
}

function composeFile(dir: string): string | undefined {
  return COMPOSE_FILES.map((f) => join(dir, f)).find((f) => existsSync(f))
}

/** homeport.yml, validated; a field in error is named with the fix. */
export async function readConfig(dir: string): Promise<DeployConfigDto | undefined> {
  const path = join(dir, CONFIG_FILE)
  const text = await readFile(path, 'utf8').catch(() => undefined)
  if (text === undefined) return undefined
  let raw: unknown
  try {
    raw = parse(text)
  } catch (err) {
    throw new HomeportError('INVALID_INPUT', `${path} is not valid YAML.`, { hint: 'Fix the YAML syntax the details point at.', details: err instanceof Error ? err.message : String(err) })
  }
  const parsed = DeployConfig.safeParse(raw)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`)
    throw new HomeportError('INVALID_INPUT', `${path} is not valid: ${problems.join('; ')}.`, { hint: 'Correct the fields it names (app, server, port, health.path, health.timeout, env).' })
  }
  return parsed.data
}

export async function readProject(dir: string): Promise<DeployProjectDto> {
  const folder = resolve(dir)
  await assertFolder(folder)
  const [config, commit] = await Promise.all([readConfig(folder), gitCommit(folder)])
  const stack = detectStack(folder)
  return {
    dir: folder,
    ...(config ? { config } : {}),
    hasDockerfile: existsSync(join(folder, 'Dockerfile')),
    hasCompose: Boolean(composeFile(folder)),
    ...(stack ? { stack } : {}),
    ...(commit ? { commit } : {}),
  }
}

export async function initProject(dir: string, config: DeployConfigDto, opts: { dockerfile: boolean; overwrite: boolean }): Promise<{ configPath: string; dockerfilePath?: string; stack?: Stack }> {
  const folder = resolve(dir)
  await assertFolder(folder)
  const configPath = join(folder, CONFIG_FILE)
  if (existsSync(configPath) && !opts.overwrite) {
    throw new HomeportError('ALREADY_EXISTS', `${configPath} already exists.`, { hint: 'Edit it, or choose to replace it.', cliHint: 'Edit it, or run again with --force to replace it.' })
  }
  const stack = detectStack(folder)
  let dockerfilePath: string | undefined
  if (opts.dockerfile && !existsSync(join(folder, 'Dockerfile')) && !config.service) {
    if (!stack) {
      throw new HomeportError('INVALID_INPUT', `${folder} has no Dockerfile, and no package.json, go.mod, requirements.txt or pyproject.toml to write one for.`, {
        hint: 'Add a Dockerfile to the project, then deploy it.',
        cliHint: 'Add a Dockerfile to the project (or run without --dockerfile), then `homeport deploy`.',
      })
    }
    dockerfilePath = join(folder, 'Dockerfile')
    await writeFile(dockerfilePath, dockerfileFor(stack, config.appPort ?? config.port), { flag: 'wx' })
  }
  const header = '# How `homeport deploy` builds and runs this project on your server.\n'
  await writeFile(configPath, header + stringify(config), { flag: opts.overwrite ? 'w' : 'wx' })
  return { configPath, ...(dockerfilePath ? { dockerfilePath } : {}), ...(stack ? { stack } : {}) }
}

export interface BuildSource {
  contextDir: string
  dockerfile?: string
  args?: Record<string, string>
  target?: string
}

interface ComposeBuild {
  context?: string
  dockerfile?: string
  args?: Record<string, string | number> | string[]
  target?: string
}

/** What to build: the compose service's `build:` when homeport.yml names a service, else the folder's Dockerfile. */
export async function buildSource(dir: string, config: DeployConfigDto): Promise<BuildSource> {
  if (!config.service) {
    if (!existsSync(join(dir, 'Dockerfile'))) {
      throw new HomeportError('BUILD_CONTEXT_INVALID', `${dir} has no Dockerfile.`, {
        hint: 'Add a Dockerfile (Homeport offers a minimal one for Node, Go and Python when you set the project up), or name a compose service in homeport.yml.',
        cliHint: 'Add a Dockerfile (`homeport init --dockerfile` writes a minimal one for Node, Go or Python), or name a compose service (`service:` in homeport.yml).',
      })
    }
    return { contextDir: dir }
  }
  const file = composeFile(dir)
  const services = file ? ((parse(await readFile(file, 'utf8')) as { services?: Record<string, { build?: string | ComposeBuild }> } | null)?.services ?? {}) : {}
  const build = services[config.service]?.build
  if (!build) {
    throw new HomeportError('INVALID_INPUT', file ? `The service "${config.service}" in ${file} has no build: section.` : `homeport.yml names the service "${config.service}", but ${dir} has no compose file.`, {
      hint: 'Name a compose service that is built from this folder, or remove `service:` from homeport.yml to build the Dockerfile.',
    })
  }
  const spec: ComposeBuild = typeof build === 'string' ? { context: build } : build
  const args = Array.isArray(spec.args)
    ? Object.fromEntries(spec.args.map((a) => [a.split('=')[0] ?? a, a.includes('=') ? a.slice(a.indexOf('=') + 1) : '']))
    : Object.fromEntries(Object.entries(spec.args ?? {}).map(([k, v]) => [k, String(v)]))
  return {
    contextDir: resolve(dir, spec.context ?? '.'),
    ...(spec.dockerfile ? { dockerfile: spec.dockerfile } : {}),
    ...(Object.keys(args).length ? { args } : {}),
    ...(spec.target ? { target: spec.target } : {}),
  }
}
