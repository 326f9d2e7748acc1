import { beforeEach, describe, expect, it } from 'vitest'
import type { EngineItemDto } from '../../../../shared/contract/index.js'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { useEngineStore } from './store.js'

const line = { count: 1, active: 0, size: 10, reclaimable: 10 }
const items: EngineItemDto[] = [
  { kind: 'image', ref: 'sha256:aaa', label: 'old:1', size: 3000 },
  { kind: 'volume', ref: 'data', label: 'data', size: 2000 },
  { kind: 'network', ref: 'n1', label: 'net', size: 0 },
]

const bridge = useFakeBridge()
beforeEach(() => {
  bridge.answer('engine.usage', { images: line, containers: line, volumes: line, buildCache: line })
  bridge.answer('engine.images', [{ id: 'sha256:aaa', tags: ['old:1'], size: 3000, sharedSize: 0, created: 0, users: [] }])
  bridge.answer('engine.volumes', [{ name: 'data', driver: 'local', size: 2000, users: [] }])
  bridge.answer('engine.networks', [])
  bridge.answer('engine.unused', { items, bytes: 5000 })
})

describe('engine store', () => {
  it('loads the disk usage and the three lists of a server', async () => {
    const store = useEngineStore()
    await store.load('s1')
    expect(store.of('s1').usage?.images.size).toBe(10)
    expect(store.of('s1').images.map((i) => i.tags)).toEqual([['old:1']])
    expect(store.of('s1').volumes.map((v) => v.name)).toEqual(['data'])
  })

  it('previews a clean-up as the core reckons it, or only the ticked items still unused', async () => {
    const store = useEngineStore()
    expect(await store.preview('s1', ['image', 'network'])).toEqual({ items, bytes: 5000 })
    expect(bridge.calls.at(-1)).toEqual({ method: 'engine.unused', input: { serverId: 's1', kinds: ['image', 'network'] } })
    // A ticked item the core no longer lists as unused (a container took it up) drops out of the preview.
    const some = await store.preview('s1', ['image', 'volume', 'network'], [{ kind: 'volume', ref: 'data' }, { kind: 'image', ref: 'sha256:gone' }])
    expect(some).toEqual({ items: [items[1]], bytes: 2000 })
  })

  it('removes exactly the previewed items, then reads the lists again', async () => {
    bridge.answer('engine.remove', { removed: [items[1]], failed: [], bytesFreed: 2048 })
    const store = useEngineStore()
    const result = await store.remove('s1', [items[1]])
    expect(result.bytesFreed).toBe(2048)
    const methods = bridge.calls.map((c) => c.method)
    expect(bridge.calls.find((c) => c.method === 'engine.remove')?.input).toEqual({ serverId: 's1', items: [{ kind: 'volume', ref: 'data' }] })
    expect(methods.slice(methods.indexOf('engine.remove') + 1)).toEqual(expect.arrayContaining(['engine.usage', 'engine.images', 'engine.volumes', 'engine.networks']))
  })
})
