// The catalogs an install can come from: the bundled one (resources/catalog) and any folder, archive or URL
// the person imports, each loaded once and kept (a failed load is tried again next time).

import type { CatalogDto } from '../../../../shared/contract/index.js'
import { HomeportError } from '../../../../shared/errors.js'
import { closestName } from '../../../../shared/names.js'
import { resourcePath } from '../../runtime/resource-path.js'
import { catalogPreview, type CatalogPreview } from './catalog-preview.js'
import { loadCatalog } from './load-catalog.js'
import type { CatalogApp, CatalogLoadResult } from './types.js'

/** The catalog shipped in resources/catalog, unless HOMEPORT_CATALOG_DIR (or the caller) names another. */
export function bundledCatalogDir(explicit?: string): string {
  return explicit || process.env.HOMEPORT_CATALOG_DIR || resourcePath('catalog')
}

export class Catalogs {
  private readonly cache = new Map<string, Promise<CatalogLoadResult>>()
  private readonly previews = new WeakMap<CatalogApp, CatalogPreview>()

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

  /** What the App Store shows: the apps without what only an install needs, with what they will use of the server. */
  async list(source?: string): Promise<CatalogDto> {
    const { apps, skipped } = await this.load(source)
    return {
      apps: apps.map((app) => {
        const { compose: _c, files: _f, origin: _o, architectures: _a, ...dto } = app
        let preview = this.previews.get(app)
        if (!preview) this.previews.set(app, (preview = catalogPreview(app)))
        return { ...dto, ...preview }
      }),
      skipped,
    }
  }

  async find(id: string, source?: string): Promise<CatalogApp> {
    const { apps } = await this.load(source)
    const app = apps.find((a) => a.id === id)
    if (!app) {
      const guess = closestName(id, apps.map((a) => a.id))
      throw new HomeportError('NOT_FOUND', `The catalog has no app "${id}".${guess ? ` Did you mean "${guess}"?` : ''}`, {
        hint: "Check the app's id; the App Store lists the catalog's apps.",
        cliHint: 'List the catalog with `homeport apps catalog`.',
      })
    }
    return app
  }
}
