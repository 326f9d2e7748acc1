// The last few minutes of an app's stats, as columns a chart can draw: time, then one series per container.

import type { StatsDto } from '../../../../../shared/contract/index.js'

export type StatsMetric = 'cpu' | 'memory' | 'rx' | 'tx'

interface Sample {
  /** Seconds since the epoch (uPlot's time unit). */
  time: number
  byContainer: Map<string, StatsDto>
}

export interface ChartColumns {
  labels: string[]
  /** [times, series 1, series 2…]; null where a container had no sample. */
  data: [number[], ...(number | null)[][]]
}

export class StatsHistory {
  private samples: Sample[] = []

  constructor(readonly windowSeconds = 300) {}

  get length(): number {
    return this.samples.length
  }

  push(timeMs: number, stats: readonly StatsDto[]): void {
    const time = timeMs / 1000
    this.samples.push({ time, byContainer: new Map(stats.map((s) => [s.container, s])) })
    const oldest = time - this.windowSeconds
    while (this.samples.length > 0 && this.samples[0].time < oldest) this.samples.shift()
  }

  containers(): string[] {
    const names = new Set<string>()
    for (const sample of this.samples) for (const name of sample.byContainer.keys()) names.add(name)
    return [...names].sort()
  }

  latest(): StatsDto[] {
    return [...(this.samples.at(-1)?.byContainer.values() ?? [])]
  }

  /** CPU in %, memory in bytes, network as bytes per second between two samples. */
  columns(metric: StatsMetric): ChartColumns {
    const labels = this.containers()
    const times = this.samples.map((s) => s.time)
    const series = labels.map((name) =>
      this.samples.map((sample, i) => {
        const now = sample.byContainer.get(name)
        if (!now) return null
        if (metric === 'cpu') return now.cpuPercent
        if (metric === 'memory') return now.memoryBytes
        const before = i > 0 ? this.samples[i - 1].byContainer.get(name) : undefined
        if (!before) return null
        const seconds = sample.time - this.samples[i - 1].time
        const delta = metric === 'rx' ? now.networkRxBytes - before.networkRxBytes : now.networkTxBytes - before.networkTxBytes
        // A restarted container starts its counters again from zero.
        return seconds > 0 && delta >= 0 ? delta / seconds : null
      }),
    )
    return { labels, data: [times, ...series] }
  }
}
