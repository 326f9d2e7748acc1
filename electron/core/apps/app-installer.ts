// Plan and apply an app on one server: read (or take) the compose file and values, normalise, diff against
// what runs, and execute with rollback. Install, settings changes and update all come through here.

import { posix } from 'node:path'
import type Docker from 'dockerode'
import type { PlanDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import { configHash, loadCompose, parseDotenv } from '../compose/index.js'
import { ProblemList } from '../compose/problems.js'
import type { ComposeProject } from '../compose/types.js'
import { applyPlan, type ApplyEvent, type ApplyResult } from '../compose/engine/apply.js'
import { COMPOSE_FILE } from '../compose/engine/container-spec.js'
import { computePlan, readServerState, type AppPlan } from '../compose/engine/plan.js'
import type { WaitOptions } from '../compose/engine/wait.js'
import { applyMirror } from '../compose/engine/image-mirror.js'
import { appDir, ensureDirs, readServerFile, serverFacts, writeAppFiles, type ServerFacts } from './app-paths.js'

export interface AppDefinition {
  name: string
  compose: string
  env: string
  /** Other files to place next to compose.yml (Umbrel's settings.env…). */
  files?: Record<string, string>
}

export interface PreparedApp {
  definition: AppDefinition
  facts: ServerFacts
  dir: string
  project: ComposeProject
  warnings: string[]
  images: Record<string, string>
  hashes: Record<string, string>
  plan: AppPlan
}

export interface InstallerDeps {
  session: SshSession
  docker: () => Promise<Docker>
  mirror?: () => string | undefined
}

export function planToDto(prepared: PreparedApp): PlanDto {
  const { plan } = prepared
  return {
    app: plan.project,
    images: plan.images,
    networks: plan.networks.map(({ name, action }) => ({ name, action })),
    volumes: plan.volumes.map(({ name, action }) => ({ name, action })),
    containers: plan.containers.map(({ service, name, action, reason }) => ({ service, name, action, reason })),
    warnings: prepared.warnings,
    upToDate: plan.upToDate,
  }
}

export async function readInstalledDefinition(session: SshSession, facts: ServerFacts, name: string): Promise<AppDefinition | undefined> {
  const dir = appDir(facts, name)
  const compose = await readServerFile(session, posix.join(dir, COMPOSE_FILE))
  if (compose === undefined) return undefined
  return { name, compose, env: (await readServerFile(session, posix.join(dir, '.env'))) ?? '' }
}

export function envValues(envText: string): Record<string, string> {
  return parseDotenv(envText, new ProblemList())
}

/** Host ports already published by containers outside this app: a clash would only fail half-way through apply. */
async function checkPortClashes(docker: Docker, project: ComposeProject): Promise<void> {
  const others = await docker.listContainers({ all: false })
  const taken = new Map<string, string>()
  for (const c of others) {
    if (c.Labels?.['com.docker.compose.project'] === project.name) continue
    for (const p of c.Ports ?? []) if (p.PublicPort) taken.set(`${p.PublicPort}/${p.Type}`, (c.Names?.[0] ?? c.Id).replace(/^\//, ''))
  }
  for (const svc of Object.values(project.services)) {
    for (const p of svc.ports) {
      const owner = p.published && taken.get(`${p.published}/${p.protocol}`)
      if (owner) {
        throw new HomeportError('PORT_IN_USE', `Port ${p.published}/${p.protocol} of service ${svc.name} is already used on the server by ${owner}.`, {
          hint: 'Pick another port in the app settings (the web port variable), or stop the other container.',
        })
      }
    }
  }
}

export async function prepareApp(deps: InstallerDeps, definition: AppDefinition, opts: { pullAlways?: boolean } = {}): Promise<PreparedApp> {
  const facts = await serverFacts(deps.session)
  const dir = appDir(facts, definition.name)
  const { project, warnings } = loadCompose({
    yamlText: definition.compose,
    envFileText: definition.env,
    projectName: definition.name,
    projectDir: dir,
    serverHome: facts.home,
  })
  const mirror = deps.mirror?.()
  const images: Record<string, string> = {}
  const hashes: Record<string, string> = {}
  for (const [name, svc] of Object.entries(project.services)) {
    images[name] = applyMirror(svc.image, mirror)
    hashes[name] = configHash(svc)
  }
  const docker = await deps.docker()
  await checkPortClashes(docker, project)
  const state = await readServerState(docker, project, Object.values(images))
  const plan = computePlan(project, state, { images, hashes, pullAlways: opts.pullAlways })
  return { definition, facts, dir, project, warnings: warnings.map((w) => (w.path ? `${w.path}: ${w.message}` : w.message)), images, hashes, plan }
}

/** Bind sources inside the user's home that Compose's long syntax would not create. */
function bindDirsToCreate(prepared: PreparedApp): string[] {
  const dirs = new Set<string>()
  for (const svc of Object.values(prepared.project.services)) {
    for (const m of svc.mounts) {
      if (m.type === 'bind' && !m.createHostPath && m.source.startsWith(`${prepared.facts.home}/`)) dirs.add(m.source)
      // Docker would create a missing relative bind as root-owned; creating it as the user keeps it editable.
      if (m.type === 'bind' && m.createHostPath && m.source.startsWith(`${prepared.dir}/`)) dirs.add(m.source)
    }
  }
  return [...dirs]
}

export interface ApplyAppOptions {
  signal?: AbortSignal
  onEvent?: (event: ApplyEvent) => void
  verify?: WaitOptions
  /** Files that were on the server before (restored if apply fails). */
  previous?: AppDefinition
  /** Whether the app folder existed before (data kept by an earlier uninstall must survive a failed install). */
  dirExisted: boolean
}

export async function applyPrepared(deps: InstallerDeps, prepared: PreparedApp, opts: ApplyAppOptions): Promise<ApplyResult> {
  const { session } = deps
  const files = { ...(prepared.definition.files ?? {}), [COMPOSE_FILE]: prepared.definition.compose, '.env': prepared.definition.env }
  await writeAppFiles(session, prepared.dir, files)
  try {
    await ensureDirs(session, bindDirsToCreate(prepared))
    return await applyPlan(await deps.docker(), prepared.project, prepared.plan, {
      images: prepared.images,
      hashes: prepared.hashes,
      signal: opts.signal,
      onEvent: opts.onEvent,
      verify: opts.verify,
      readFile: async (path) => {
        const text = await readServerFile(session, path)
        if (text === undefined) throw new Error('no such file')
        return text
      },
    })
  } catch (err) {
    // Put the files back as they were, so the folder matches what runs.
    if (opts.previous) {
      await writeAppFiles(session, prepared.dir, { [COMPOSE_FILE]: opts.previous.compose, '.env': opts.previous.env }).catch(() => {})
    } else if (opts.dirExisted) {
      const names = Object.keys(files).map((n) => posix.join(prepared.dir, n))
      await session.exec(['rm', '-f', '--', ...names]).catch(() => {})
    } else {
      await session.exec(['rm', '-rf', '--', prepared.dir]).catch(() => {})
    }
    throw err
  }
}
