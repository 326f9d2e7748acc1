import { describe, expect, it } from 'vitest'
import { ContainerIntents } from './container-intents.js'

const ID = 'f'.repeat(12) + '0'.repeat(52)

describe('containers the core stopped', () => {
  it('recognises a container by name, full id or short id, once', () => {
    const intents = new ContainerIntents()
    intents.note('/web-app-1', 1000)
    expect(intents.takeExpected(ID, 'web-app-1', 2000)).toBe(true)
    expect(intents.takeExpected(ID, 'web-app-1', 2000)).toBe(false)
    intents.note(ID.slice(0, 12), 1000)
    expect(intents.takeExpected(ID, 'other', 2000)).toBe(true)
  })

  it('forgets a note after a minute', () => {
    const intents = new ContainerIntents()
    intents.note(ID, 0)
    expect(intents.takeExpected(ID, 'x', 61_000)).toBe(false)
  })
})
