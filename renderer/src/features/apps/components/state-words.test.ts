import { describe, expect, it } from 'vitest'
import { HEALTH_WORDS, ORIGIN_WORDS, stateWords } from './state-words.js'

describe('state words', () => {
  it("says an app's and a container's state as a person would, never Docker's or Compose's terms", () => {
    expect(stateWords('partial')).toBe('Partly running')
    expect(stateWords('not-created')).toBe('No containers')
    expect(stateWords('exited')).toBe('Stopped')
    expect(stateWords('unknown')).toBe('Unknown while disconnected')
    expect(stateWords('dead')).toBe('Failed to stop')
    expect(ORIGIN_WORDS.managed).toBe('Installed by Homeport')
    expect(HEALTH_WORDS.unhealthy).toBe('Failing its health check')
  })

  it('capitalises a state it has no words for rather than hiding it', () => {
    expect(stateWords('frozen')).toBe('Frozen')
  })
})
