import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EngineImageDto, EngineItemDto, EngineKind, EngineNetworkDto, EngineUsageDto, EngineVolumeDto, RemoveResultDto, UnusedDto } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'
import { runAsync, type AsyncState } from '../../ui/use-async.js'

export interface ServerEngineState extends AsyncState {
  usage?: EngineUsageDto
  images: EngineImageDto[]
  volumes: EngineVolumeDto[]
  networks: EngineNetworkDto[]
}

/** A server's images, volumes and networks, Docker's disk usage, and removing what nothing uses. */
export const useEngineStore = defineStore('engine', () => {
  const api = useApi()
  const byServer = ref<Record<string, ServerEngineState>>({})

  function of(serverId: string): ServerEngineState {
    let entry = byServer.value[serverId]
    if (!entry) {
      byServer.value[serverId] = { images: [], volumes: [], networks: [], loading: false }
      entry = byServer.value[serverId]
    }
    return entry
  }

  async function load(serverId: string): Promise<void> {
    const entry = of(serverId)
    const loaded = await runAsync(entry, () =>
      Promise.all([
        api.call('engine.usage', { serverId }),
        api.call('engine.images', { serverId }),
        api.call('engine.volumes', { serverId }),
        api.call('engine.networks', { serverId }),
      ]),
    )
    if (!loaded) return
    ;[entry.usage, entry.images, entry.volumes, entry.networks] = loaded
  }

  /**
   * What removing would take away and free, by the core's own reckoning: every unused item of `kinds`, or of
   * those only the ones in `only` (an item that came into use meanwhile is no longer offered).
   */
  async function preview(serverId: string, kinds: EngineKind[], only?: { kind: EngineKind; ref: string }[]): Promise<UnusedDto> {
    const unused = await api.call('engine.unused', { serverId, kinds })
    if (!only) return unused
    const items = unused.items.filter((i) => only.some((o) => o.kind === i.kind && o.ref === i.ref))
    return { items, bytes: items.reduce((sum, i) => sum + i.size, 0) }
  }

  async function remove(serverId: string, items: EngineItemDto[]): Promise<RemoveResultDto> {
    const result = await api.call('engine.remove', { serverId, items: items.map(({ kind, ref }) => ({ kind, ref })) })
    await load(serverId)
    return result
  }

  return { byServer, of, load, preview, remove }
})
