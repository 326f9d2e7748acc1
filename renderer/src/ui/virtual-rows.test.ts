import { describe, expect, it } from 'vitest'
import { cardColumns, chunkRows } from './virtual-rows.js'

describe('virtual rows', () => {
  it('fits as many 240 px cards as the plain grid does', () => {
    expect(cardColumns(100)).toBe(1)
    expect(cardColumns(491)).toBe(1)
    expect(cardColumns(492)).toBe(2)
    expect(cardColumns(1000)).toBe(4)
  })

  it('cuts a list into rows keyed by their first item, the last row short', () => {
    const rows = chunkRows(['a', 'b', 'c', 'd', 'e'], 2, (x) => `k-${x}`)
    expect(rows).toEqual([
      { key: 'k-a', items: ['a', 'b'] },
      { key: 'k-c', items: ['c', 'd'] },
      { key: 'k-e', items: ['e'] },
    ])
    expect(chunkRows([], 3, String)).toEqual([])
  })
})
