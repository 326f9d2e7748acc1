import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ContainerDto, DockerInfoDto } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'
import { runAsync, type AsyncState } from '../../ui/use-async.js'
import { patchContainers } from './container-patches.js'

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
  containers: ContainerDto[]
  watching: boolean
}

export const useContainersStore = defineStore('containers', () => {
  const api = useApi()
  const byServer = ref<Record<string, ServerDockerState>>({})

  // A burst of Docker events (200 containers created) sends many lists: only the newest per server is applied,
  // once per animation frame, as patches to the rows that changed.
  const pending = new Map<string, ContainerDto[]>()
  let frame: number | undefined
  function applyPending(): void {
    frame = undefined
    for (const [serverId, containers] of pending) {
      const entry = byServer.value[serverId]
      if (entry?.watching) patchContainers(entry.containers, containers)
    }
    pending.clear()
  }
  api.on('docker.containers', (event) => {
    if (!byServer.value[event.serverId]?.watching) return
    pending.set(event.serverId, event.containers)
    frame ??= nextFrame(applyPending)
  })
  api.onReconnect(() => {
    // The web host forgot our subscriptions with the old socket.
    for (const [serverId, entry] of Object.entries(byServer.value)) if (entry.watching) void watch(serverId)
  })

  function of(serverId: string): ServerDockerState {
    let entry = byServer.value[serverId]
    if (!entry) {
      byServer.value[serverId] = { containers: [], loading: false, watching: false }
      entry = byServer.value[serverId]
    }
    return entry
  }

  /** Loads Docker's info and the container list, then keeps the list live from Docker's events. */
  async function watch(serverId: string): Promise<void> {
    const entry = of(serverId)
    entry.watching = true
    const loaded = await runAsync(entry, () => Promise.all([api.call('docker.info', { serverId }), api.call('docker.watch', { serverId })]), { keepError: true })
    if (!loaded) return
    const [info, containers] = loaded
    entry.info = info
    pending.delete(serverId)
    patchContainers(entry.containers, containers)
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

  function forget(serverId: string): void {
    const { [serverId]: _gone, ...rest } = byServer.value
    byServer.value = rest
  }

  return { byServer, of, watch, unwatch, forget }
})
