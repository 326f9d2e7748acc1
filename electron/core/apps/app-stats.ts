// One stats sample per container (Docker's one-shot stats), reduced to the numbers the charts show.
// CPU percent is computed the way `docker stats` does: container delta over system delta × online CPUs.

import type { StatsDto } from '../../../shared/contract/index.js'
import { LABEL } from '../compose/engine/container-spec.js'
import type { Docker } from '../docker/docker-access.js'
import { projectContainers } from '../docker/project-containers.js'

interface RawStats {
  cpu_stats: { cpu_usage: { total_usage: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number }
  precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number }
  memory_stats: { usage?: number; limit?: number; stats?: { cache?: number; inactive_file?: number } }
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>
}

function reduceStats(service: string, container: string, s: RawStats): StatsDto {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - (s.precpu_stats.cpu_usage?.total_usage ?? 0)
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0)
  const cpus = s.cpu_stats.online_cpus ?? s.cpu_stats.cpu_usage.percpu_usage?.length ?? 1
  const cpuPercent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0
  // `docker stats` shows usage minus page cache (inactive_file on cgroup v2, cache on v1).
  const cache = s.memory_stats.stats?.inactive_file ?? s.memory_stats.stats?.cache ?? 0
  const nets = Object.values(s.networks ?? {})
  return {
    service,
    container,
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryBytes: Math.max(0, (s.memory_stats.usage ?? 0) - cache),
    memoryLimitBytes: s.memory_stats.limit ?? 0,
    networkRxBytes: nets.reduce((sum, n) => sum + n.rx_bytes, 0),
    networkTxBytes: nets.reduce((sum, n) => sum + n.tx_bytes, 0),
  }
}

export async function appStats(docker: Docker, app: string): Promise<StatsDto[]> {
  const running = (await projectContainers(docker, app)).filter((c) => c.State === 'running')
  return Promise.all(
    running.map(async (c) => {
      const raw = (await docker.getContainer(c.Id).stats({ stream: false })) as unknown as RawStats
      return reduceStats(c.Labels?.[LABEL.service] ?? '', (c.Names?.[0] ?? c.Id).replace(/^\//, ''), raw)
    }),
  )
}
