import { describe, expect, it } from 'vitest'
import { containerEventReader, effectOf, type ContainerEventEffect } from './container-list-events.js'

const event = (action: string, id = 'abc', type = 'container') => ({ Type: type, Action: action, Actor: { ID: id, Attributes: { name: 'web' } }, id })

describe('container list events', () => {
  it('reads a destroy as removed and state changes as changed', () => {
    expect(effectOf(event('destroy'))).toEqual({ id: 'abc', effect: 'removed' })
    for (const action of ['create', 'start', 'die', 'stop', 'kill', 'pause', 'unpause', 'rename', 'restart', 'oom', 'update']) {
      expect(effectOf(event(action))).toEqual({ id: 'abc', effect: 'changed' })
    }
    expect(effectOf(event('health_status: healthy'))).toEqual({ id: 'abc', effect: 'changed' })
  })

  it('skips what leaves a list row as it was, and other kinds of object', () => {
    for (const action of ['exec_create: sh', 'exec_start: sh -c ls', 'exec_die', 'attach', 'resize', 'archive-path', 'top']) expect(effectOf(event(action))).toBeUndefined()
    expect(effectOf(event('create', 'abc', 'network'))).toBeUndefined()
    expect(effectOf({ Type: 'container', Action: 'start' })).toBeUndefined()
  })

  it('joins events cut anywhere by the transport and skips lines that are not JSON', () => {
    const seen: ContainerEventEffect[] = []
    const read = containerEventReader((e) => seen.push(e))
    const text = [event('create', 'one'), event('start', 'one'), event('exec_start: sh', 'one'), event('destroy', 'two')].map((e) => JSON.stringify(e)).join('\n') + '\nnot json\n'
    for (let i = 0; i < text.length; i += 7) read(Buffer.from(text.slice(i, i + 7)))
    expect(seen).toEqual([
      { id: 'one', effect: 'changed' },
      { id: 'one', effect: 'changed' },
      { id: 'two', effect: 'removed' },
    ])
  })
})
