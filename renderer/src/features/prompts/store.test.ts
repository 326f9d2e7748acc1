import { beforeEach, describe, expect, it } from 'vitest'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { usePromptsStore } from './store.js'

const bridge = useFakeBridge()
beforeEach(() => {
  bridge.answer('prompts.answer', undefined)
})

describe('prompts store', () => {
  it('queues requests in order and answers the current one through prompts.answer', async () => {
    const store = usePromptsStore()
    bridge.emit('prompt.request', { id: 'p1', kind: 'passphrase', title: 'Key passphrase', message: 'For ~/.ssh/id_ed25519' })
    bridge.emit('prompt.request', { id: 'p2', kind: 'hostKey', title: 'Host key', message: 'nas', fingerprint: `SHA256:${'b'.repeat(43)}` })
    bridge.emit('prompt.request', { id: 'p1', kind: 'passphrase', title: 'duplicate', message: '' })
    expect(store.queue.map((p) => p.id)).toEqual(['p1', 'p2'])
    expect(store.current?.id).toBe('p1')

    await store.answer('p1', 'secret words')
    expect(bridge.calls).toEqual([{ method: 'prompts.answer', input: { id: 'p1', value: 'secret words' } }])
    expect(store.current?.id).toBe('p2')
  })

  it('drops a request the core cancelled', () => {
    const store = usePromptsStore()
    bridge.emit('prompt.request', { id: 'p1', kind: 'password', title: 'Password', message: 'me@nas' })
    bridge.emit('prompt.cancel', { id: 'p1' })
    expect(store.current).toBeUndefined()
  })
})
