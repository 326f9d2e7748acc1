import { describe, expect, it } from 'vitest'
import type { EventMap, EventName } from '../../../shared/contract/index.js'
import type { EventSink } from '../runtime/types.js'
import { EventPrompter } from './event-prompter.js'

function recorder() {
  const seen: { event: EventName; payload: unknown }[] = []
  const sink: EventSink = {
    emit<E extends EventName>(event: E, payload: EventMap[E]) {
      seen.push({ event, payload })
    },
  }
  return { sink, seen }
}

describe('EventPrompter', () => {
  it('emits prompt.request and resolves with the answer', async () => {
    const { sink, seen } = recorder()
    const prompter = new EventPrompter(sink)
    const pending = prompter.ask({ kind: 'hostKey', title: 'Trust?', message: 'm', fingerprint: 'SHA256:x', host: 'h', port: 22 })
    const request = seen[0].payload as EventMap['prompt.request']
    expect(seen[0].event).toBe('prompt.request')
    expect(request).toMatchObject({ kind: 'hostKey', fingerprint: 'SHA256:x' })
    prompter.answer(request.id, true)
    await expect(pending).resolves.toBe(true)
    expect(prompter.open()).toEqual([])
    expect(() => prompter.answer(request.id, true)).toThrow(/No open question/)
  })

  it('refuses an answer of the wrong kind', async () => {
    const { sink, seen } = recorder()
    const prompter = new EventPrompter(sink)
    const pending = prompter.ask({ kind: 'password', title: 'Password', message: 'm' })
    const { id } = seen[0].payload as EventMap['prompt.request']
    expect(() => prompter.answer(id, true)).toThrow(/text answer/)
    prompter.answer(id, 'pw')
    await expect(pending).resolves.toBe('pw')
  })

  it('cancels on timeout and on abort, telling front ends', async () => {
    const { sink, seen } = recorder()
    const prompter = new EventPrompter(sink, 20)
    await expect(prompter.ask({ kind: 'password', title: 't', message: 'm' })).resolves.toBeUndefined()
    const first = seen[0].payload as EventMap['prompt.request']
    expect(seen[1]).toEqual({ event: 'prompt.cancel', payload: { id: first.id } })

    const controller = new AbortController()
    const slow = new EventPrompter(sink, 60_000)
    const pending = slow.ask({ kind: 'hostKey', title: 't', message: 'm' }, controller.signal)
    controller.abort()
    await expect(pending).resolves.toBeUndefined()
    expect(seen.at(-1)?.event).toBe('prompt.cancel')
  })

  it('cancelAll resolves every open question', async () => {
    const { sink } = recorder()
    const prompter = new EventPrompter(sink)
    const a = prompter.ask({ kind: 'hostKey', title: 't', message: 'm' })
    const b = prompter.ask({ kind: 'passphrase', title: 't', message: 'm' })
    prompter.cancelAll()
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined])
  })
})
