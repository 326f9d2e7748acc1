import { describe, expect, it, vi } from 'vitest'
import type { ServerDto } from '../../../../shared/contract/index.js'
import { HomeportError } from '../../../../shared/errors.js'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { useServersStore } from './store.js'

const nas: ServerDto = { id: 's1', name: 'nas', host: '10.0.0.2', port: 22, user: 'me', authMethod: 'agent', hasSecret: false, createdAt: '2025-01-01T00:00:00Z' }

const bridge = useFakeBridge()

describe('servers store', () => {
  it('loads the list with each connection state and follows server.state events', async () => {
    bridge.answer('servers.list', [nas])
    bridge.answer('servers.states', [{ serverId: 's1', state: 'connecting' }])
    const store = useServersStore()
    await store.load()
    expect(store.servers.map((s) => s.name)).toEqual(['nas'])
    expect(store.stateOf('s1').state).toBe('connecting')

    bridge.emit('server.state', { serverId: 's1', state: 'ready' })
    expect(store.stateOf('s1').state).toBe('ready')
    expect(store.stateOf('unknown').state).toBe('offline')
  })

  it('keeps the load error as a HomeportError with its hint', async () => {
    bridge.fail('servers.list', { code: 'INTERNAL', message: 'The store is locked.', hint: 'Close the other Homeport.' })
    bridge.answer('servers.states', [])
    const store = useServersStore()
    await store.load()
    expect(store.loadError).toBeInstanceOf(HomeportError)
    expect(store.loadError?.hint).toBe('Close the other Homeport.')
    expect(store.loaded).toBe(true)
  })

  it('adds, connects and removes a server', async () => {
    bridge.answer('servers.add', (input) => ({ ...nas, name: input.name }))
    bridge.answer('servers.connect', { serverId: 's1', state: 'ready' })
    bridge.answer('servers.remove', undefined)
    const store = useServersStore()
    const added = await store.add({ name: 'nas', host: '10.0.0.2', authMethod: 'agent', hostKey: `SHA256:${'a'.repeat(43)}` })
    expect(store.servers).toHaveLength(1)
    await store.connect(added.id)
    expect(store.stateOf('s1').state).toBe('ready')
    await store.remove(added.id)
    expect(store.servers).toHaveLength(0)
    expect(bridge.calls.map((c) => c.method)).toEqual(['servers.add', 'servers.connect', 'servers.remove'])
    expect(bridge.calls[1].input).toEqual({ id: 's1' })
  })

  it('throws the connection error when connect ends offline with an error', async () => {
    bridge.answer('servers.connect', {
      serverId: 's1',
      state: 'offline',
      error: { code: 'AUTH_FAILED', message: 'me@10.0.0.2 refused the login.', hint: 'Check the password.' },
    })
    const store = useServersStore()
    await expect(store.connect('s1')).rejects.toMatchObject({ code: 'AUTH_FAILED', hint: 'Check the password.' })
    expect(store.stateOf('s1').error?.code).toBe('AUTH_FAILED')
  })

  it('turns a failed call into a HomeportError with the same code', async () => {
    bridge.fail('servers.connect', { code: 'UNREACHABLE', message: '10.0.0.2:22 did not answer.', hint: 'Check the host.' })
    const store = useServersStore()
    const error = await store.connect('s1').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HomeportError)
    expect((error as HomeportError).code).toBe('UNREACHABLE')
  })

  it('reloads after the transport reconnects', async () => {
    bridge.answer('servers.list', [nas])
    bridge.answer('servers.states', [{ serverId: 's1', state: 'ready' }])
    const store = useServersStore()
    bridge.reconnect()
    await vi.waitFor(() => expect(store.loaded).toBe(true))
    expect(store.stateOf('s1').state).toBe('ready')
  })
})
