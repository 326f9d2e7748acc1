// Plan an app on one server: read (or take) the compose file and values, normalise, and diff against what
// runs. Install, settings changes and update all plan here; app-run.ts carries the plan out.

import { posix } from 'node:path'
import type { PlanDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { loadCompose } from '../compose/index.js'
import type { ComposeProject } from '../compose/types.js'
import { COMPOSE_FILE, LABEL } from '../compose/engine/container-spec.js'
import { hostAccessRisks } from '../compose/engine/host-access.js'
import { planProject, type ProjectPlan } from '../compose/engine/plan.js'
import { readServerFile } from '../connection/sftp.js'
import type { Docker } from '../docker/docker-access.js'
import type { AppDefinition } from './app-definitions.js'
import { appDir, ENV_FILE, type ServerFacts } from './app-paths.js'
import { digestSecrets, type SecretContents } from './app-secrets.js'
import type { AppServer } from './app-server.js'
import { planValues } from './plan-values.js'

export interface PreparedApp extends ProjectPlan {
  definition: AppDefinition
  facts: ServerFacts
  dir: string
  project: ComposeProject
  warnings: string[]
  /** The secrets this run writes into the app's folder (read on this computer); absent when it writes none. */
  secrets?: SecretContents
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
    risks: hostAccessRisks(prepared.project),
    ...secretsOfPlan(prepared.project),
    upToDate: plan.upToDate,
    ...planValues(prepared.definition, prepared.project, prepared.facts),
  }
}

function secretsOfPlan(project: ComposeProject): Pick<PlanDto, 'secrets'> {
  const secrets = Object.values(project.services).flatMap((s) => (s.secrets ?? []).map((x) => ({ service: s.name, name: x.source, path: x.target })))
  return secrets.length ? { secrets } : {}
}

/** Host ports already published by containers outside this app: a clash would only fail half-way through apply. */
async function checkPortClashes(docker: Docker, project: ComposeProject): Promise<void> {
  const others = await docker.listContainers({ all: false })
  const taken = new Map<string, string>()
  for (const c of others) {
    if (c.Labels?.[LABEL.project] === project.name) continue
    for (const p of c.Ports ?? []) if (p.PublicPort) taken.set(`${p.PublicPort}/${p.Type}`, (c.Names?.[0] ?? c.Id).replace(/^\//, ''))
  }
  for (const svc of Object.values(project.services)) {
    for (const p of svc.ports) {
      const owner = p.published && taken.get(`${p.published}/${p.protocol}`)
      if (owner) {
        throw new HomeportError('PORT_IN_USE', `Port ${p.published}/${p.protocol} of service ${svc.name} is already used on the server by ${owner}.`, {
          hint: "Pick another port in the app's settings (the web port), or stop the other container.",
          cliHint: 'Pick another port with --env (for example --env WEB_PORT=8081), or stop the other container.',
        })
      }
    }
  }
}

/**
 * `mirror`: the server's registry mirror, which Docker Hub references are rewritten to. `secrets`: the contents
 * this run writes (readAppSecrets); without them the services hash the secrets already on the server.
 */
export async function prepareApp(server: AppServer, definition: AppDefinition, opts: { mirror?: string; pullAlways?: boolean; secrets?: SecretContents } = {}): Promise<PreparedApp> {
  const { facts } = server
  const dir = appDir(facts, definition.name)
  const { project, warnings } = loadCompose({
    yamlText: definition.compose,
    envFileText: definition.env,
    projectName: definition.name,
    projectDir: dir,
    serverHome: facts.home,
  })
  const docker = await server.docker()
  // env_file entries may name files this run is about to write (.env, Umbrel's settings.env): plan with those.
  const files = appFiles(definition)
  const readFile = (path: string) => {
    const name = posix.relative(dir, path)
    return Object.hasOwn(files, name) ? Promise.resolve(files[name]) : readServerFile(server.session, path)
  }
  // Planning only reads, so it goes out beside the port check instead of a round trip after it; it does wait
  // for the secrets' digests, which are part of each service's hash.
  const [, planned] = await Promise.all([
    checkPortClashes(docker, project),
    digestSecrets(server.session, project, opts.secrets).then(() => planProject(docker, project, { readFile, mirror: opts.mirror, pullAlways: opts.pullAlways })),
  ])
  return { definition, facts, dir, project, warnings: warnings.map((w) => (w.path ? `${w.path}: ${w.message}` : w.message)), ...planned, ...(opts.secrets ? { secrets: opts.secrets } : {}) }
}

/** What goes into the app's folder: compose.yml, .env and the definition's other files. */
export function appFiles(definition: AppDefinition): Record<string, string> {
  return { ...(definition.files ?? {}), [COMPOSE_FILE]: definition.compose, [ENV_FILE]: definition.env }
}

/** Bind sources inside the user's home that Compose's long syntax would not create. */
export function bindDirsToCreate(prepared: PreparedApp): string[] {
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
