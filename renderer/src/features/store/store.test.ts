import { describe, expect, it } from 'vitest'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { catalogName, filterApps, useCatalogStore, type StoreApp } from './store.js'

const bridge = useFakeBridge()

describe('catalog store', () => {
  const app = (id: string, category: string, tagline?: string): StoreApp => ({ id, name: id[0].toUpperCase() + id.slice(1), category, source: 'bundled', variables: [], ...(tagline ? { tagline } : {}) })

  it('searches names and taglines case-insensitively within a category', () => {
    const apps = [app('jellyfin', 'Media', 'Stream your movies'), app('nextcloud', 'Files'), app('plex', 'Media')]
    expect(filterApps(apps, 'MOVIES', null).map((a) => a.id)).toEqual(['jellyfin'])
    expect(filterApps(apps, '', 'Media').map((a) => a.id)).toEqual(['jellyfin', 'plex'])
    expect(filterApps(apps, 'cloud', 'Media')).toEqual([])
  })

  it('names the catalog an app came from instead of saying "bundled"', () => {
    expect(catalogName({ source: 'bundled' })).toBe('Homeport catalog')
    expect(catalogName({ source: 'casaos', catalog: '/home/me/CasaOS-AppStore/' })).toBe('CasaOS catalog CasaOS-AppStore')
    expect(catalogName({ source: 'portainer', catalog: 'https://example.org/v3/templates.json' })).toBe('Portainer catalog templates.json')
    expect(catalogName({ source: 'umbrel', catalog: 'C:\\stores\\umbrel.tar.gz' })).toBe('Umbrel catalog umbrel.tar.gz')
  })

  it('adds a catalog in front of the bundled one and keeps its skipped entries with reasons', async () => {
    bridge.answer('apps.catalog', (input) =>
      input.catalog
        ? { apps: [app('umbrel-app', 'Tools')], skipped: [{ ref: 'broken', reason: 'uses build:' }] }
        : { apps: [app('jellyfin', 'Media')], skipped: [] },
    )
    const catalog = useCatalogStore()
    await catalog.load()
    const added = await catalog.addCatalog('/srv/catalog')
    expect(added).toEqual({ ref: '/srv/catalog', count: 1, skipped: [{ ref: 'broken', reason: 'uses build:' }] })
    expect(catalog.apps.map((a) => [a.id, a.catalog])).toEqual([
      ['umbrel-app', '/srv/catalog'],
      ['jellyfin', undefined],
    ])
    expect(catalog.categories).toEqual(['Media', 'Tools'])
  })
})
