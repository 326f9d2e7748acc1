// The fields app stores spell alike in their manifests (CasaOS's x-casaos, Umbrel's umbrel-app.yml), read
// defensively: a manifest is someone else's YAML. Icons are taken only over https, never from a local path.

import type { CatalogApp } from './types.js'

export function storeFields(manifest: Record<string, unknown>): Pick<CatalogApp, 'category' | 'icon' | 'website' | 'version'> {
  return {
    category: typeof manifest.category === 'string' ? manifest.category : 'Other',
    icon: typeof manifest.icon === 'string' && manifest.icon.startsWith('https://') ? manifest.icon : undefined,
    website: typeof manifest.website === 'string' ? manifest.website : undefined,
    version: manifest.version === undefined ? undefined : String(manifest.version),
  }
}
