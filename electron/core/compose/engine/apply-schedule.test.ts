import { describe, expect, it } from 'vitest'
import { coalescedRecord, runInDependencyOrder } from './apply-schedule.js'

const turn = () => new Promise((resolve) => setImmediate(resolve))

describe('runInDependencyOrder', () => {
  it('starts everything without unfinished dependencies together, and a dependant only after its dependency', async () => {
    const log: string[] = []
    const gates = new Map<string, () => void>()
    const run = runInDependencyOrder(
      ['a', 'b', 'c'],
      (x) => x,
      (x) => (x === 'c' ? ['a'] : []),
      async (x) => {
        log.push(`start ${x}`)
        await new Promise<void>((resolve) => gates.set(x, resolve))
        log.push(`end ${x}`)
      },
    )
    await turn()
    expect(log).toEqual(['start a', 'start b'])
    gates.get('b')!()
    await turn()
    expect(log).toEqual(['start a', 'start b', 'end b'])
    gates.get('a')!()
    await turn()
    expect(log).toEqual(['start a', 'start b', 'end b', 'end a', 'start c'])
    gates.get('c')!()
    await run
  })

  it('throws the first failure only after what was under way settled, and starts nothing more', async () => {
    const log: string[] = []
    let releaseB!: () => void
    const run = runInDependencyOrder(
      ['a', 'b', 'c'],
      (x) => x,
      (x) => (x === 'c' ? ['b'] : []),
      async (x) => {
        log.push(`start ${x}`)
        if (x === 'a') throw new Error('a failed')
        await new Promise<void>((resolve) => (releaseB = resolve))
        log.push(`end ${x}`)
      },
    )
    let settled = false
    void run.catch(() => (settled = true))
    await turn()
    expect(settled).toBe(false)
    releaseB()
    await expect(run).rejects.toThrow('a failed')
    expect(log).toEqual(['start a', 'start b', 'end b'])
  })
})

describe('coalescedRecord', () => {
  it('carries everything asked for in one turn in one write, and never overlaps two writes', async () => {
    const journal: string[] = []
    const writes: string[][] = []
    let inFlight = 0
    const record = coalescedRecord(async () => {
      inFlight++
      expect(inFlight).toBe(1)
      writes.push([...journal])
      await turn()
      inFlight--
    })
    journal.push('x')
    const first = record()
    journal.push('y')
    const second = record()
    expect(second).toBe(first)
    await first
    journal.push('z')
    await Promise.all([record(), record()])
    expect(writes).toEqual([['x', 'y'], ['x', 'y', 'z']])
  })
})
