import { describe, expect, it } from 'vitest'
import { SMALL_FILE, splitBatches } from './small-batches.js'
import type { PlanItem } from './transfer-plan.js'

const file = (i: number, size: number): PlanItem => ({ kind: 'file', from: `/l/${i}`, to: `/r/${i}`, size, mode: 0o644, atime: 0, mtime: 0, replace: false })

describe('small-file batches', () => {
  it('sends a few files one by one, and many small ones in batches, big ones never', () => {
    expect(splitBatches([file(1, 10), file(2, 10)]).batches).toEqual([])
    const many = Array.from({ length: 2500 }, (_, i) => file(i, 4096))
    const big = file(9999, SMALL_FILE + 1)
    const { batches, single } = splitBatches([...many, big])
    expect(batches.map((b) => b.items.length)).toEqual([1000, 1000, 500])
    expect(single).toEqual([big])
  })

  it('closes a batch before its names would make too long a command line', () => {
    const { batches } = splitBatches(Array.from({ length: 100 }, (_, i) => file(i, 1)), () => 2000)
    expect(batches.map((b) => b.items.length)).toEqual([32, 32, 32, 4])
  })
})
