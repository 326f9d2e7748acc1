import { describe, expect, it } from 'vitest'
import { rowWindow } from './log-rows.js'

describe('log row window', () => {
  it('covers the viewport and a margin when still', () => {
    expect(rowWindow({ scrollTop: 2000, height: 400, count: 10_000, row: 20, lastStep: 0 })).toEqual({ start: 80, end: 140 })
  })

  it('covers the next frame of a fast scroll in its direction', () => {
    const down = rowWindow({ scrollTop: 100_000, height: 400, count: 500_000, row: 20, lastStep: 3000 })
    // The next frame shows 103,000–103,400 px: rows 5,150–5,170.
    expect(down.start).toBeLessThanOrEqual(5000)
    expect(down.end).toBeGreaterThanOrEqual(5170)
    const up = rowWindow({ scrollTop: 100_000, height: 400, count: 500_000, row: 20, lastStep: -3000 })
    expect(up.start).toBeLessThanOrEqual(4850)
    expect(up.end).toBeGreaterThanOrEqual(5020)
  })

  it('stays inside the list', () => {
    expect(rowWindow({ scrollTop: 0, height: 400, count: 5, row: 20, lastStep: -100 })).toEqual({ start: 0, end: 5 })
    expect(rowWindow({ scrollTop: 0, height: 400, count: 0, row: 20, lastStep: 0 })).toEqual({ start: 0, end: 0 })
  })
})
