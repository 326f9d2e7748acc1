import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import type { FileEntryDto } from '../../../../shared/contract/files.js'
import { useApi } from '../../api/client.js'
import { runAsync, type AsyncState } from '../../ui/use-async.js'
import { useJobsStore } from '../jobs/store.js'
import { freeName, joinPath, parentPath, visibleEntries, type SortKey, type SortOrder } from './components/file-paths.js'
import { useTransfersStore } from './transfers-store.js'

/** Where the browser looks: the server's own files, or inside one of its named Docker volumes. */
export interface FilesPlace {
  serverId: string
  volume?: string
}

/** The answer to "that name is taken": what to do, and whether for every later clash of the same paste. */
export interface ClashDecision {
  action: 'overwrite' | 'skip' | 'rename'
  all: boolean
}
export type AskClash = (name: string) => Promise<ClashDecision | undefined>

function samePlace(a: FilesPlace | undefined, b: FilesPlace): boolean {
  return a !== undefined && a.serverId === b.serverId && (a.volume ?? '') === (b.volume ?? '')
}

/** The file browser: one folder at a time, its entries, what is selected, and what was copied. */
export const useFilesStore = defineStore('files', () => {
  const api = useApi()
  const jobs = useJobsStore()
  const transfers = useTransfersStore()

  const place = ref<FilesPlace>()
  const path = ref('')
  const entries = ref<FileEntryDto[]>([])
  const partial = ref(false)
  const listing = reactive<AsyncState>({ loading: false })
  /** The last change the person asked for (new folder, rename, delete, paste). */
  const action = reactive<AsyncState>({ loading: false })
  const showHidden = ref(false)
  const sort = ref<SortOrder>({ key: 'name', descending: false })
  const selected = ref<Set<string>>(new Set())
  /** Where a shift-click range starts. */
  const anchor = ref<string>()
  const clipboard = ref<{ place: FilesPlace; paths: string[] }>()

  const visible = computed(() => visibleEntries(entries.value, showHidden.value, sort.value))
  const selection = computed(() => entries.value.filter((e) => selected.value.has(e.path)))
  const takenNames = computed(() => new Set(entries.value.map((e) => e.name)))

  function where(): FilesPlace {
    if (!place.value) throw new Error('No folder is open yet.')
    return place.value
  }
  function volumeInput(): { volume?: string } {
    return place.value?.volume ? { volume: place.value.volume } : {}
  }

  /** Opens `to` (the SSH user's home on the server, a volume's root, when absent). */
  async function open(at: FilesPlace, to?: string): Promise<boolean> {
    const target = to ?? (at.volume ? '/' : await runAsync(listing, () => api.call('files.home', { serverId: at.serverId })))
    if (target === undefined) return false
    const list = await runAsync(listing, () => api.call('files.list', { serverId: at.serverId, ...(at.volume ? { volume: at.volume } : {}), path: target }))
    if (!list) {
      // A folder that cannot be opened leaves the one shown before in place (when it is the same server).
      if (!samePlace(place.value, at)) {
        place.value = at
        entries.value = []
        path.value = target
      }
      return false
    }
    const moved = !samePlace(place.value, at) || list.path !== path.value
    place.value = at
    path.value = list.path
    entries.value = list.entries
    partial.value = list.partial === true
    if (moved) {
      selected.value = new Set()
      anchor.value = undefined
    } else {
      const still = new Set(list.entries.map((e) => e.path))
      selected.value = new Set([...selected.value].filter((p) => still.has(p)))
    }
    return true
  }

  function refresh(): Promise<boolean> {
    return open(where(), path.value)
  }

  function up(): Promise<boolean> {
    return open(where(), parentPath(path.value))
  }

  function setSort(key: SortKey): void {
    sort.value = sort.value.key === key ? { key, descending: !sort.value.descending } : { key, descending: false }
  }

  /** `only` replaces the selection, `toggle` adds or removes one (Ctrl), `range` selects from the anchor (Shift). */
  function select(entryPath: string, mode: 'only' | 'toggle' | 'range' = 'only'): void {
    if (mode === 'range' && anchor.value) {
      const order = visible.value.map((e) => e.path)
      const [from, to] = [order.indexOf(anchor.value), order.indexOf(entryPath)].sort((a, b) => a - b)
      if (from >= 0) {
        selected.value = new Set(order.slice(from, to + 1))
        return
      }
    }
    const next = mode === 'toggle' ? new Set(selected.value) : new Set<string>()
    if (mode === 'toggle' && next.has(entryPath)) next.delete(entryPath)
    else next.add(entryPath)
    selected.value = next
    anchor.value = entryPath
  }

  function selectAll(): void {
    selected.value = new Set(visible.value.map((e) => e.path))
  }

  async function change<T>(work: () => Promise<T>): Promise<T | undefined> {
    const done = await runAsync(action, work)
    await refresh()
    return done
  }

  function makeFolder(name: string): Promise<FileEntryDto | undefined> {
    const { serverId } = where()
    return change(() => api.call('files.mkdir', { serverId, ...volumeInput(), path: joinPath(path.value, name) }))
  }

  async function rename(entry: FileEntryDto, name: string): Promise<boolean> {
    const { serverId } = where()
    const moved = await change(() => api.call('files.move', { serverId, ...volumeInput(), from: entry.path, to: joinPath(parentPath(entry.path), name), overwrite: false }))
    if (moved) selected.value = new Set([moved.path])
    return moved !== undefined
  }

  /** Deletes the entries (folders with everything in them); the window has asked first. */
  async function remove(targets: FileEntryDto[]): Promise<boolean> {
    const { serverId } = where()
    const done = await change(async () => {
      for (const entry of targets) {
        const recursive = entry.type === 'dir'
        await api.call('files.remove', { serverId, ...volumeInput(), path: entry.path, recursive, ...(recursive ? { confirm: entry.path } : {}) })
      }
      return true
    })
    return done === true
  }

  /** Ctrl/Cmd+C: remembers the selection for a paste on the same server. */
  function copySelection(): number {
    const paths = selection.value.map((e) => e.path)
    if (paths.length) clipboard.value = { place: { ...where() }, paths }
    return paths.length
  }

  /** Why a paste cannot happen here, or undefined when it can. */
  const pasteProblem = computed<string | undefined>(() => {
    const clip = clipboard.value
    if (!clip) return 'Nothing is copied: select files and press Ctrl+C (⌘C) first.'
    if (place.value?.volume || clip.place.volume) return 'Copy and paste work on the server’s own files; inside a volume, download and upload instead.'
    if (clip.place.serverId !== place.value?.serverId) return 'Copy and paste work within one server; download from one and upload to the other instead.'
    return undefined
  })

  /** Ctrl/Cmd+V: copies on the server into the open folder, asking about each taken name. */
  async function paste(ask: AskClash): Promise<string[]> {
    const problem = pasteProblem.value
    const clip = clipboard.value
    if (problem || !clip) {
      action.error = undefined
      return []
    }
    const { serverId } = where()
    const folder = path.value
    const started: string[] = []
    await runAsync(action, async () => {
      const taken = new Set(takenNames.value)
      let always: ClashDecision['action'] | undefined
      for (const from of clip.paths) {
        const name = from.slice(from.lastIndexOf('/') + 1)
        let to = joinPath(folder, name)
        let overwrite = false
        if (taken.has(name)) {
          // Pasting into the folder it came from always keeps both: overwriting a file with itself is no copy.
          const decision = parentPath(from) === folder ? 'rename' : (always ?? (await decide(name)))
          if (decision === 'skip') continue
          if (decision === 'overwrite') overwrite = true
          else to = joinPath(folder, freeName(name, taken))
        }
        taken.add(to.slice(to.lastIndexOf('/') + 1))
        const { jobId } = await api.call('files.copy', { serverId, from, to, overwrite })
        transfers.follow('copy', `Copy ${name}`, jobId)
        started.push(jobId)
      }
      async function decide(name: string): Promise<ClashDecision['action']> {
        const answer = await ask(name)
        if (!answer) return 'skip'
        if (answer.all) always = answer.action
        return answer.action
      }
    })
    await Promise.all(started.map((id) => new Promise<void>((resolve) => jobs.onFinished(id, () => resolve()))))
    if (started.length) await refresh()
    return started
  }

  return {
    place,
    path,
    entries,
    partial,
    listing,
    action,
    showHidden,
    sort,
    selected,
    clipboard,
    visible,
    selection,
    takenNames,
    pasteProblem,
    open,
    refresh,
    up,
    setSort,
    select,
    selectAll,
    makeFolder,
    rename,
    remove,
    copySelection,
    paste,
  }
})
