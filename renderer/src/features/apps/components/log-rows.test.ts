import { describe, expect, it } from 'vitest'
import { REACH, rowWindow } from './log-rows.js'

/** Whether the rows drawn cover the viewport when it lands at `top`. */
const covers = (w: { start: number; end: number }, top: number, height = 400, row = 20) => w.start * row <= top && w.end * row >= top + height

describe('log row window', () => {
  it('covers the viewport and a margin of REACH either way when still', () => {
    expect(rowWindow({ scrollTop: 10_000, height: 400, count: 10_000, row: 20, lastStep: 0 })).toEqual({ start: 500 - REACH / 20, end: 520 + REACH / 20 })
  })

  it('covers a first jump of REACH px either way, with no scroll before it', () => {
    for (const lastStep of [0, 100, -100, 30_000, -30_000]) {
      const w = rowWindow({ scrollTop: 100_000, height: 400, count: 500_000, row: 20, lastStep })
      expect(covers(w, 100_000 + REACH), `down after ${lastStep}`).toBe(true)
      expect(covers(w, 100_000 - REACH), `up after ${lastStep}`).toBe(true)
    }
    // Scrolled back to the top (the last step went up), then down at once.
    expect(covers(rowWindow({ scrollTop: 0, height: 400, count: 500_000, row: 20, lastStep: -30_000 }), REACH)).toBe(true)
  })

  it('reaches further ahead of a faster scroll, within a bound', () => {
    const down = rowWindow({ scrollTop: 100_000, height: 400, count: 500_000, row: 20, lastStep: 5000 })
    expect(covers(down, 105_000)).toBe(true)
    const up = rowWindow({ scrollTop: 100_000, height: 400, count: 500_000, row: 20, lastStep: -5000 })
    expect(covers(up, 95_000)).toBe(true)
    const jump = rowWindow({ scrollTop: 100_000, height: 400, count: 500_000, row: 20, lastStep: 5_000_000 })
    expect(jump.end - jump.start).toBeLessThan(700)
  })

  it('stays inside the list', () => {
    expect(rowWindow({ scrollTop: 0, height: 400, count: 5, row: 20, lastStep: -100 })).toEqual({ start: 0, end: 5 })
    expect(rowWindow({ scrollTop: 0, height: 400, count: 0, row: 20, lastStep: 0 })).toEqual({ start: 0, end: 0 })
  })
})
