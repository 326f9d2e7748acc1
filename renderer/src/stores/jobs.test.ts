import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { JobDto } from '../../../shared/contract/index.js'
import { createApi, setApi } from '../api/client.js'
import { createFakeBridge, type FakeBridge } from '../api/fake-bridge.test-support.js'
import { filterApps, useCatalogStore, type StoreApp } from './catalog.js'
import { useJobsStore } from './jobs.js'

function job(state: JobDto['state'], current = 0): JobDto {
  return { id: 'j1', kind: 'apps.install', title: 'Install', state, items: [{ key: 'img', label: 'Pull img', current, total: 10 }], log: [], startedAt: 'now' }
}

let bridge: FakeBridge
beforeEach(() => {
  bridge = createFakeBridge()
  setApi(createApi(bridge))
  setActivePinia(createPinia())
})

describe('jobs store', () => {
  it('follows job.update events and tells waiters once the job has finished', async () => {
    const jobs = useJobsStore()
    bridge.answer('jobs.get', job('running', 2))
    await jobs.track('j1')
    const finished: string[] = []
    jobs.onFinished('j1', (j) => finished.push(j.state))
    bridge.emit('job.update', job('running', 5))
    expect(jobs.get('j1')?.items[0].current).toBe(5)
    expect(finished).toEqual([])
    bridge.emit('job.update', job('failed', 5))
    expect(finished).toEqual(['failed'])
    // A late snapshot does not bring the finished job back to life.
    bridge.answer('jobs.get', job('running', 5))
    await jobs.track('j1')
    expect(jobs.get('j1')?.state).toBe('failed')
  })

  it('asks the core for running jobs again after the transport reconnects', async () => {
    const jobs = useJobsStore()
    bridge.emit('job.update', job('running'))
    bridge.answer('jobs.get', job('succeeded', 10))
    bridge.reconnect()
    await new Promise((r) => setTimeout(r, 0))
    expect(bridge.calls.filter((c) => c.method === 'jobs.get')).toEqual([{ method: 'jobs.get', input: { id: 'j1' } }])
    expect(jobs.get('j1')?.state).toBe('succeeded')
  })
})

describe('catalog store', () => {
  const app = (id: string, category: string, tagline?: string): StoreApp => ({ id, name: id[0].toUpperCase() + id.slice(1), category, source: 'bundled', variables: [], ...(tagline ? { tagline } : {}) })

  it('searches names and taglines case-insensitively within a category', () => {
    const apps = [app('jellyfin', 'Media', 'Stream your movies'), app('nextcloud', 'Files'), app('plex', 'Media')]
    expect(filterApps(apps, 'MOVIES', null).map((a) => a.id)).toEqual(['jellyfin'])
    expect(filterApps(apps, '', 'Media').map((a) => a.id)).toEqual(['jellyfin', 'plex'])
    expect(filterApps(apps, 'cloud', 'Media')).toEqual([])
  })

  it('adds a catalog in front of the bundled one and keeps its skipped entries with reasons', async () => {
    bridge.answer('apps.catalog', (input: unknown) =>
      (input as { catalog?: string }).catalog
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
