import { describe, expect, it } from 'vitest'
import { describeState } from './connection-state.js'

describe('connection state words', () => {
  it('says the state in words, not only in colour', () => {
    expect(describeState({ serverId: 'a', state: 'ready' }).text).toBe('Connected')
    expect(describeState({ serverId: 'a', state: 'reconnecting', attempt: 3 }).text).toBe('Reconnecting (attempt 3)…')
    expect(describeState({ serverId: 'a', state: 'offline', error: { code: 'AUTH_FAILED', message: '', hint: '' } }).tone).toBe('error')
  })
})
