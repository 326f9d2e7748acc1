import { describe, expect, it } from 'vitest'
import type { StatsDto } from '../../../../../shared/contract/index.js'
import { StatsHistory } from './stats-history.js'

function stat(container: string, cpu: number, rx: number): StatsDto {
  return { service: container, container, cpuPercent: cpu, memoryBytes: 1000, memoryLimitBytes: 0, networkRxBytes: rx, networkTxBytes: 0 }
}

describe('stats history', () => {
  it('keeps only the last window and turns network counters into rates', () => {
    const history = new StatsHistory(10)
    history.push(0, [stat('a', 1, 0)])
    history.push(2000, [stat('a', 2, 4000), stat('b', 5, 100)])
    history.push(4000, [stat('a', 3, 10_000), stat('b', 6, 50)])
    expect(history.columns('cpu')).toEqual({ labels: ['a', 'b'], data: [[0, 2, 4], [1, 2, 3], [null, 5, 6]] })
    // b's counter went down (a restart): no rate rather than a negative one.
    expect(history.columns('rx').data.slice(1)).toEqual([[null, 2000, 3000], [null, null, null]])
    history.push(13_000, [stat('a', 4, 10_000)])
    expect(history.columns('cpu').data[0]).toEqual([4, 13])
    expect(history.latest().map((s) => s.container)).toEqual(['a'])
  })
})
