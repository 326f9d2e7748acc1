import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ContainerDto, ContainersPatchEvent, DockerInfoDto } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'
import { runAsync, type AsyncState } from '../../ui/use-async.js'
import { applyContainersPatch, frozenRows, patchContainers, type ContainerRows } from './container-patches.js'

/** Before the next paint; a window in the background (no frames) still gets there within a quarter second. */
function nextFrame(run: () => void): number {
  if (typeof requestAnimationFrame !== 'function') return setTimeout(run, 16) as unknown as number
  let done = false
  const once = () => {
    if (done) return
    done = true
    run()
  }
  setTimeout(once, 250)
  return requestAnimationFrame(once)
}

export interface ServerDockerState extends AsyncState {
  info?: DockerInfoDto
  /** Replaced, never changed in place: a new list per applied patch, unchanged rows the same objects. */
  containers: ContainerRows
  watching: boolean
}

export const useContainersStore = defineStore('containers', () => {
  const api = useApi()
  const byServer = ref<Record<string, ServerDockerState>>({})

  // The core sends a patch per burst of Docker's events (and a whole list after a reconnect). They are kept in
  // the order they came and applied at most once per animation frame: a change shows in the next frame, and
  // while events pour in (BURST_PATCHES within BURST_GAP_MS: 200 containers created in a few seconds) the table
  // is redrawn at most every BURST_GAP_MS, so the window keeps its frame rate. While `docker.watch` is still
  // answering, they wait for its list and go after it.
  type Update = { list: ContainerDto[] } | Pick<ContainersPatchEvent, 'changed' | 'removed'>
  const BURST_GAP_MS = 100
  const BURST_PATCHES = 5
  const arrivals: number[] = []
  const pending = new Map<string, Update[]>()
  const awaitingList = new Set<string>()
  let frame: number | undefined
  let gapTimer: ReturnType<typeof setTimeout> | undefined
  let appliedAt = -Infinity
  function scheduleApply(): void {
    if (frame !== undefined || gapTimer !== undefined) return
    const now = performance.now()
    while (arrivals.length && arrivals[0] < now - BURST_GAP_MS) arrivals.shift()
    const wait = arrivals.length >= BURST_PATCHES ? appliedAt + BURST_GAP_MS - now : 0
    if (wait <= 0) frame = nextFrame(applyPending)
    else
      gapTimer = setTimeout(() => {
        gapTimer = undefined
        frame ??= nextFrame(applyPending)
      }, wait)
  }
  function applyPending(): void {
    frame = undefined
    appliedAt = performance.now()
    for (const [serverId, updates] of pending) {
      if (awaitingList.has(serverId)) continue
      pending.delete(serverId)
      const entry = byServer.value[serverId]
      if (!entry?.watching) continue
      let rows = entry.containers
      for (const update of updates) rows = 'list' in update ? patchContainers(rows, update.list) : applyContainersPatch(rows, update)
      entry.containers = rows
    }
  }
  function queue(serverId: string, update: Update): void {
    if (!byServer.value[serverId]?.watching) return
    // A whole list makes everything before it moot.
    const updates = 'list' in update ? [] : (pending.get(serverId) ?? [])
    updates.push(update)
    pending.set(serverId, updates)
    arrivals.push(performance.now())
    scheduleApply()
  }
  api.on('docker.containers', (event) => queue(event.serverId, { list: event.containers }))
  api.on('docker.containersPatch', (event) => queue(event.serverId, { changed: event.changed, removed: event.removed }))
  api.onReconnect(() => {
    // The web host forgot our subscriptions with the old socket.
    for (const [serverId, entry] of Object.entries(byServer.value)) if (entry.watching) void watch(serverId)
  })

  function of(serverId: string): ServerDockerState {
    let entry = byServer.value[serverId]
    if (!entry) {
      byServer.value[serverId] = { containers: frozenRows([]), loading: false, watching: false }
      entry = byServer.value[serverId]
    }
    return entry
  }

  /** Loads Docker's info and the container list, then keeps the list live from Docker's events. */
  async function watch(serverId: string): Promise<void> {
    const entry = of(serverId)
    entry.watching = true
    awaitingList.add(serverId)
    pending.delete(serverId)
    let loaded: [DockerInfoDto, ContainerDto[]] | undefined
    try {
      loaded = await runAsync(entry, () => Promise.all([api.call('docker.info', { serverId }), api.call('docker.watch', { serverId })]), { keepError: true })
    } finally {
      awaitingList.delete(serverId)
    }
    if (!loaded) {
      pending.delete(serverId)
      return
    }
    const [info, containers] = loaded
    entry.info = info
    entry.containers = patchContainers(entry.containers, containers)
    // Each patch was read after its event: applied after the list, they leave every row as it is now.
    if (pending.has(serverId)) scheduleApply()
  }

  async function unwatch(serverId: string): Promise<void> {
    const entry = byServer.value[serverId]
    if (!entry?.watching) return
    entry.watching = false
    try {
      await api.call('docker.unwatch', { serverId })
    } catch {
      // The server may be gone or offline already; there is nothing left to stop then.
    }
  }

  /** A container as an action left it: shown at once, before Docker's event brings the same news. */
  function applyPatch(serverId: string, patch: Pick<ContainersPatchEvent, 'changed' | 'removed'>): void {
    const entry = of(serverId)
    entry.containers = applyContainersPatch(entry.containers, patch)
  }

  function forget(serverId: string): void {
    const { [serverId]: _gone, ...rest } = byServer.value
    byServer.value = rest
  }

  return { byServer, of, watch, unwatch, applyPatch, forget }
})
