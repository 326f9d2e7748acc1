import { describe, expect, it } from 'vitest'
import { eta } from './progress-meter.js'

describe('time left of a transfer', () => {
  it('is the bytes left at the current rate', () => {
    expect(eta(1024 * 1024, 10 * 1024 * 1024)).toBe(10)
    expect(eta(100, 0)).toBe(0)
  })

  it('is unknown without a rate, and for a stalled transfer instead of a figure in years', () => {
    expect(eta(undefined, 100)).toBeUndefined()
    expect(eta(0, 100)).toBeUndefined()
    expect(eta(0.001, 100)).toBeUndefined()
    expect(eta(40, 142 * 1024 * 1024)).toBeUndefined()
    expect(eta(1, 3600)).toBe(3600)
  })
})
