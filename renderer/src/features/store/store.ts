import { defineStore } from 'pinia'
import { computed, reactive, ref, toRefs } from 'vue'
import type { CatalogAppDto } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'
import { runAsync, type AsyncState } from '../../ui/use-async.js'

export interface StoreApp extends CatalogAppDto {
  /** The catalog it came from: undefined for the bundled one, else the folder or URL the user added. */
  catalog?: string
}

export interface AddedCatalog {
  ref: string
  count: number
  skipped: { ref: string; reason: string }[]
}

const FORMAT_NAMES: Record<CatalogAppDto['source'], string> = { bundled: 'Homeport', casaos: 'CasaOS', umbrel: 'Umbrel', portainer: 'Portainer' }

/** The last part of a folder, archive or URL the person added ("…/my-store.zip" → "my-store.zip"). */
function shortRef(ref: string): string {
  const trimmed = ref.replace(/[/\\]+$/, '')
  return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1) || trimmed
}

/** Where an app comes from, in words: the catalog that ships with Homeport, or the one the person added. */
export function catalogName(app: Pick<StoreApp, 'source' | 'catalog'>): string {
  if (!app.catalog) return 'Homeport catalog'
  return `${FORMAT_NAMES[app.source]} catalog ${shortRef(app.catalog)}`
}

/** Case-insensitive search over name, id, tagline, description and category. */
export function filterApps(apps: readonly StoreApp[], query: string, category: string | null): StoreApp[] {
  const needle = query.trim().toLowerCase()
  return apps.filter((app) => {
    if (category && app.category !== category) return false
    if (!needle) return true
    return [app.name, app.id, app.tagline, app.description, app.category].some((text) => text?.toLowerCase().includes(needle))
  })
}

export const useCatalogStore = defineStore('catalog', () => {
  const api = useApi()
  const bundled = ref<StoreApp[]>([])
  const added = ref<AddedCatalog[]>([])
  const addedApps = ref<StoreApp[]>([])
  const listing = reactive<AsyncState>({ loading: false, error: undefined })
  const loaded = ref(false)

  const apps = computed(() => [...addedApps.value, ...bundled.value])
  const categories = computed(() => [...new Set(apps.value.map((a) => a.category))].sort((a, b) => a.localeCompare(b)))

  async function load(): Promise<void> {
    if (listing.loading) return
    const catalog = await runAsync(listing, () => api.call('apps.catalog', {}), { keepError: true })
    if (!catalog) return
    bundled.value = catalog.apps
    loaded.value = true
  }

  /** Imports a folder, archive or https URL; throws the core's error (the form shows it). */
  async function addCatalog(ref: string): Promise<AddedCatalog> {
    const catalog = await api.call('apps.catalog', { catalog: ref })
    const entry = { ref, count: catalog.apps.length, skipped: catalog.skipped }
    added.value = [entry, ...added.value.filter((c) => c.ref !== ref)]
    addedApps.value = [...catalog.apps.map((a) => ({ ...a, catalog: ref })), ...addedApps.value.filter((a) => a.catalog !== ref)]
    return entry
  }

  function find(id: string, catalog?: string): StoreApp | undefined {
    return apps.value.find((a) => a.id === id && a.catalog === catalog)
  }

  return { bundled, added, apps, categories, ...toRefs(listing), loaded, load, addCatalog, find }
})
