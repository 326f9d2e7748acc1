// The catalogs an install can come from: the bundled one (resources/catalog) and any folder, archive or URL
// the person imports, each loaded once and kept (a failed load is tried again next time).

import type { CatalogDto, HostAccessRiskDto } from '../../../../shared/contract/index.js'
import { HomeportError } from '../../../../shared/errors.js'
import { hostAccessRisks } from '../../compose/engine/host-access.js'
import { loadCompose } from '../../compose/index.js'
import { resourcePath } from '../../runtime/resource-path.js'
import { loadCatalog } from './load-catalog.js'
import type { CatalogApp, CatalogLoadResult } from './types.js'

/** The catalog shipped in resources/catalog, unless HOMEPORT_CATALOG_DIR (or the caller) names another. */
export function bundledCatalogDir(explicit?: string): string {
  return explicit || process.env.HOMEPORT_CATALOG_DIR || resourcePath('catalog')
}

/**
 * What an app gets of the server itself, read from its compose file with the variables' defaults, so the
 * detail page can say it before anyone installs it. A file that does not load with the defaults says nothing.
 */
function catalogHostAccess(app: CatalogApp): HostAccessRiskDto[] | undefined {
  const values = Object.fromEntries(app.variables.map((v) => [v.name, v.default ?? (v.secret ? 'secret' : '')]))
  try {
    const { project } = loadCompose({ yamlText: app.compose, values, projectName: app.id, projectDir: `/srv/${app.id}`, serverHome: '/home/user' })
    const risks = hostAccessRisks(project)
    return risks.length ? risks : undefined
  } catch {
    return undefined
  }
}

export class Catalogs {
  private readonly cache = new Map<string, Promise<CatalogLoadResult>>()
  private readonly risks = new WeakMap<CatalogApp, HostAccessRiskDto[] | undefined>()

  constructor(private readonly bundledDir: string) {}

  load(source?: string): Promise<CatalogLoadResult> {
    const key = source ?? this.bundledDir
    let result = this.cache.get(key)
    if (!result) {
      result = loadCatalog(key)
      result.catch(() => this.cache.delete(key))
      this.cache.set(key, result)
    }
    return result
  }

  /** What the App Store shows: the apps without what only an install needs. */
  async list(source?: string): Promise<CatalogDto> {
    const { apps, skipped } = await this.load(source)
    return {
      apps: apps.map((app) => {
        const { compose: _c, files: _f, origin: _o, architectures: _a, ...dto } = app
        if (!this.risks.has(app)) this.risks.set(app, catalogHostAccess(app))
        const hostAccess = this.risks.get(app)
        return hostAccess ? { ...dto, hostAccess } : dto
      }),
      skipped,
    }
  }

  async find(id: string, source?: string): Promise<CatalogApp> {
    const { apps } = await this.load(source)
    const app = apps.find((a) => a.id === id)
    if (!app) {
      throw new HomeportError('NOT_FOUND', `The catalog has no app "${id}".`, { hint: 'List the catalog with `homeport apps catalog`.' })
    }
    return app
  }
}
