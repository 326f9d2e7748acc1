import { describe, expect, it } from 'vitest'
import { tabForKey } from './tab-keys.js'

describe('tab keys', () => {
  const tabs = ['overview', 'logs', 'terminal']
  it('moves with the arrows, wrapping around, and jumps with Home and End', () => {
    expect(tabForKey(tabs, 'overview', 'ArrowRight')).toBe('logs')
    expect(tabForKey(tabs, 'terminal', 'ArrowRight')).toBe('overview')
    expect(tabForKey(tabs, 'overview', 'ArrowLeft')).toBe('terminal')
    expect(tabForKey(tabs, 'logs', 'Home')).toBe('overview')
    expect(tabForKey(tabs, 'logs', 'End')).toBe('terminal')
    expect(tabForKey(tabs, 'logs', 'a')).toBeUndefined()
    expect(tabForKey([], 'logs', 'ArrowRight')).toBeUndefined()
  })
})
