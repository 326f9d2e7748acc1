// What a catalog app will use of the server before anyone installs it, for the App Store's detail page:
// its compose file loaded the way an install loads it, with the catalog's defaults and the app id as its
// name, on a stand-in home folder that is shown as `~`. A file that does not load that way says nothing.

import type { CatalogUsesDto, HostAccessRiskDto } from '../../../../shared/contract/index.js'
import { hostAccessRisks } from '../../compose/engine/host-access.js'
import { loadCompose } from '../../compose/index.js'
import { definitionFromCatalog } from '../app-definitions.js'
import { appDir, type ServerFacts } from '../app-paths.js'
import { publishedPorts, serverFolders } from '../plan-values.js'
import type { CatalogApp } from './types.js'

export interface CatalogPreview {
  /** The catalog's version, else the tag of the image of its web service (or of its first service). */
  version?: string
  hostAccess?: HostAccessRiskDto[]
  uses?: CatalogUsesDto
}

/** Any user's home: paths under it are shown from `~`, which is where they land on every server. */
const STAND_IN_HOME = '/homeport-stand-in-home'
const STAND_IN_FACTS: ServerFacts = { home: STAND_IN_HOME, uid: 1000, gid: 1000, timezone: 'UTC' }

/** `docker.io/jellyfin/jellyfin:10.10.7` → `10.10.7`; no tag, `latest` or a digest only say nothing. */
function imageTag(image: string | undefined): string | undefined {
  const name = image?.split('@')[0] ?? ''
  const colon = name.lastIndexOf(':')
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : ''
  return tag && tag !== 'latest' ? tag : undefined
}

const fromHome = (path: string) => (path === STAND_IN_HOME || path.startsWith(`${STAND_IN_HOME}/`) ? `~${path.slice(STAND_IN_HOME.length)}` : path)

export function catalogPreview(app: CatalogApp): CatalogPreview {
  try {
    const { definition } = definitionFromCatalog(app, app.id, {}, STAND_IN_FACTS)
    const { project } = loadCompose({ yamlText: definition.compose, envFileText: definition.env, projectName: app.id, projectDir: appDir(STAND_IN_FACTS, app.id), serverHome: STAND_IN_HOME })
    const risks = hostAccessRisks(project).map((r) => ({ ...r, detail: fromHome(r.detail) }))
    const volumes = Object.values(project.services).flatMap((svc) =>
      svc.mounts.flatMap((m) => (m.type === 'volume' && !project.volumes[m.source]?.external ? [{ name: project.volumes[m.source]?.name ?? m.source, service: svc.name, target: m.target }] : [])),
    )
    const uses = { ports: publishedPorts(project), folders: serverFolders(project).map((f) => ({ ...f, source: fromHome(f.source) })), volumes }
    const main = project.services[app.web?.service ?? ''] ?? Object.values(project.services)[0]
    const version = app.version ?? imageTag(main?.image)
    return { ...(version ? { version } : {}), ...(risks.length ? { hostAccess: risks } : {}), uses }
  } catch {
    return {}
  }
}
