// The values a plan will use, for the person to check before installing: each setting (the catalog's
// variables, or a compose file's .env) with its value, every port published on the server, and every folder
// of the server mounted into a container. A secret's value never leaves the core.

import type { PlanDto, PlanSettingDto } from '../../../shared/contract/index.js'
import type { ComposeProject } from '../compose/types.js'
import { META_FILE, type AppDefinition, type AppMetaFile } from './app-definitions.js'
import { envValues, hostValues } from './app-values.js'
import type { ServerFacts } from './app-paths.js'

/** A .env value that looks like a credential is kept out of the plan like a catalog secret. */
const SECRET_NAME = /pass|secret|token|key|salt/i

function metaOf(definition: AppDefinition): AppMetaFile | undefined {
  const text = definition.files?.[META_FILE]
  if (!text) return undefined
  try {
    return JSON.parse(text) as AppMetaFile
  } catch {
    return undefined
  }
}

function settingsOf(definition: AppDefinition, facts: ServerFacts, variables: AppMetaFile['variables']): PlanSettingDto[] {
  const values = envValues(definition.env)
  if (variables?.length) {
    return variables
      .filter((v) => !v.host)
      .map((v) => (v.secret ? { name: v.name, label: v.label, secret: true } : { name: v.name, label: v.label, value: values[v.name] ?? '' }))
  }
  // Values the server supplies (TZ, PUID, the app's folder…) are facts, not settings.
  const supplied = hostValues(facts, definition.name)
  return Object.entries(values)
    .filter(([name]) => !(name in supplied))
    .map(([name, value]) => (SECRET_NAME.test(name) ? { name, secret: true } : { name, value }))
}

/** Every port the project publishes on the server (the App Store's detail page shows them too). */
export function publishedPorts(project: ComposeProject): NonNullable<PlanDto['ports']> {
  return Object.values(project.services).flatMap((svc) =>
    svc.ports.map((p) => ({ service: svc.name, hostIp: p.hostIp ?? '0.0.0.0', ...(p.published ? { published: p.published } : {}), target: p.target, protocol: p.protocol })),
  )
}

/** Every folder of the server the project mounts into a container. */
export function serverFolders(project: ComposeProject): NonNullable<PlanDto['folders']> {
  return Object.values(project.services).flatMap((svc) =>
    svc.mounts.flatMap((m) => (m.type === 'bind' ? [{ service: svc.name, source: m.source, target: m.target, readOnly: m.readOnly }] : [])),
  )
}

export function planValues(definition: AppDefinition, project: ComposeProject, facts: ServerFacts): Pick<PlanDto, 'settings' | 'ports' | 'folders'> {
  return { settings: settingsOf(definition, facts, metaOf(definition)?.variables), ports: publishedPorts(project), folders: serverFolders(project) }
}
