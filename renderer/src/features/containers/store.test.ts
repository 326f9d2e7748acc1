import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { ContainerDto } from '../../../../shared/contract/index.js'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { useContainersStore } from './store.js'

function container(name: string, state: string): ContainerDto {
  return { id: `id-${name}`, name, image: 'busybox', state, status: state, ports: [], created: 0, labels: {} }
}

const bridge = useFakeBridge()
beforeEach(() => {
  bridge.answer('docker.info', { version: '26.1.5', apiVersion: '1.45', socket: '/var/run/docker.sock', transport: 'stream-local' })
  bridge.answer('docker.watch', [container('web', 'running')])
  bridge.answer('docker.unwatch', undefined)
})

describe('containers store', () => {
  it('loads info and containers, then follows docker.containers events for that server only', async () => {
    const store = useContainersStore()
    await store.watch('s1')
    expect(store.of('s1').info?.version).toBe('26.1.5')
    expect(store.of('s1').containers.map((c) => c.name)).toEqual(['web'])

    bridge.emit('docker.containers', { serverId: 's1', containers: [container('web', 'exited'), container('db', 'running')] })
    bridge.emit('docker.containers', { serverId: 's2', containers: [container('other', 'running')] })
    await vi.waitFor(() => expect(store.of('s1').containers.map((c) => `${c.name}:${c.state}`)).toEqual(['web:exited', 'db:running']))
    expect(store.byServer.s2).toBeUndefined()
  })

  it('applies a burst of lists once, as patches to the rows that changed', async () => {
    const store = useContainersStore()
    await store.watch('s1')
    const web = store.of('s1').containers[0]
    for (let i = 0; i < 50; i++) bridge.emit('docker.containers', { serverId: 's1', containers: [container('web', 'running'), container(`c${i}`, 'running')] })
    await vi.waitFor(() => expect(store.of('s1').containers.map((c) => c.name)).toEqual(['web', 'c49']))
    // The unchanged row is the same object: nothing about it is redrawn.
    expect(store.of('s1').containers[0]).toBe(web)
  })

  it('applies patches to the named rows only: new ones come first, gone ones go, the others stay the same objects', async () => {
    const store = useContainersStore()
    bridge.answer('docker.watch', [container('web', 'running'), container('db', 'running'), container('cache', 'running')])
    await store.watch('s1')
    const [web, db, cache] = store.of('s1').containers
    bridge.emit('docker.containersPatch', { serverId: 's1', changed: [container('web', 'exited')], removed: [] })
    bridge.emit('docker.containersPatch', { serverId: 's1', changed: [container('new', 'created')], removed: ['id-db'] })
    bridge.emit('docker.containersPatch', { serverId: 's2', changed: [container('other', 'running')], removed: [] })
    await vi.waitFor(() => expect(store.of('s1').containers.map((c) => `${c.name}:${c.state}`)).toEqual(['new:created', 'web:exited', 'cache:running']))
    // The changed row is a new object (its row is redrawn), the unchanged one the same (its row is left alone).
    expect(store.of('s1').containers[1]).not.toBe(web)
    expect(store.of('s1').containers[2]).toBe(cache)
    expect(store.of('s1').containers).not.toContain(db)
    expect(store.byServer.s2).toBeUndefined()
  })

  it('holds patches that come while the list is read, and applies them after it', async () => {
    const store = useContainersStore()
    let answer!: (list: ContainerDto[]) => void
    bridge.answer('docker.watch', () => new Promise<ContainerDto[]>((resolve) => (answer = resolve)))
    const watching = store.watch('s1')
    await vi.waitFor(() => expect(answer).toBeDefined())
    bridge.emit('docker.containersPatch', { serverId: 's1', changed: [container('web', 'exited')], removed: [] })
    await new Promise((resolve) => setTimeout(resolve, 50))
    answer([container('web', 'running')])
    await watching
    await vi.waitFor(() => expect(store.of('s1').containers.map((c) => `${c.name}:${c.state}`)).toEqual(['web:exited']))
  })

  it('stops following after unwatch and tells the core', async () => {
    const store = useContainersStore()
    await store.watch('s1')
    await store.unwatch('s1')
    bridge.emit('docker.containers', { serverId: 's1', containers: [] })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(store.of('s1').containers).toHaveLength(1)
    expect(bridge.calls.at(-1)).toEqual({ method: 'docker.unwatch', input: { serverId: 's1' } })
  })

  it('keeps a Docker error with its hint for the page', async () => {
    bridge.fail('docker.info', { code: 'DOCKER_PERMISSION', message: 'me may not use Docker on nas.', hint: 'sudo usermod -aG docker me' })
    const store = useContainersStore()
    await store.watch('s1')
    expect(store.of('s1').error?.code).toBe('DOCKER_PERMISSION')
    expect(store.of('s1').loading).toBe(false)
  })

  it('renews its watches when the transport reconnects', async () => {
    const store = useContainersStore()
    await store.watch('s1')
    const before = bridge.calls.filter((c) => c.method === 'docker.watch').length
    bridge.reconnect()
    await vi.waitFor(() => expect(bridge.calls.filter((c) => c.method === 'docker.watch').length).toBe(before + 1))
  })
})
