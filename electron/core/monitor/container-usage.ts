// Per-container CPU and memory from Docker's one-shot stats. A one-shot reading has no previous CPU counters
// (that is what makes it cheap: no second read a second later), so CPU is the difference from the reading
// this monitor took the last time, as `docker stats` computes it between its own two reads.

import type { ContainerUsageDto } from '../../../shared/contract/index.js'

export interface RawStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number }
  memory_stats?: { usage?: number; limit?: number; stats?: { cache?: number; inactive_file?: number; total_inactive_file?: number } }
}

export interface CpuReading {
  total: number
  system: number
}

export function cpuReading(s: RawStats): CpuReading | undefined {
  const total = s.cpu_stats?.cpu_usage?.total_usage
  const system = s.cpu_stats?.system_cpu_usage
  return total !== undefined && system !== undefined && system > 0 ? { total, system } : undefined
}

/** Percent of one core between two readings; null without a usable previous one. */
export function cpuPercent(s: RawStats, previous: CpuReading | undefined): number | null {
  const now = cpuReading(s)
  if (!now || !previous) return null
  const cpuDelta = now.total - previous.total
  const systemDelta = now.system - previous.system
  if (systemDelta <= 0 || cpuDelta < 0) return null
  const cpus = s.cpu_stats?.online_cpus ?? s.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 1
  return Math.round((cpuDelta / systemDelta) * cpus * 10_000) / 100
}

/** Memory as `docker stats` shows it: usage without the page cache (inactive_file on cgroup v2, cache on v1). */
export function memoryBytes(s: RawStats): number {
  const m = s.memory_stats
  const cache = m?.stats?.inactive_file ?? m?.stats?.total_inactive_file ?? m?.stats?.cache ?? 0
  return Math.max(0, (m?.usage ?? 0) - cache)
}

export function containerUsage(
  c: { name: string; state: string; labels: Record<string, string> },
  s: RawStats | undefined,
  previous: CpuReading | undefined,
): ContainerUsageDto {
  const app = c.labels['com.docker.compose.project']
  const service = c.labels['com.docker.compose.service']
  return {
    container: c.name,
    ...(app ? { app } : {}),
    ...(service ? { service } : {}),
    state: c.state,
    cpuPercent: s ? cpuPercent(s, previous) : null,
    memoryBytes: s ? memoryBytes(s) : 0,
    memoryLimitBytes: s?.memory_stats?.limit ?? 0,
  }
}
