// One agent sample reduced to what the history keeps and the tiles show. Pure.

import type { AgentMetricsDto, DiskUsageDto, HostSampleDto } from '../../../shared/contract/index.js'

/** Interfaces whose traffic is already counted on a real one (loopback, container and bridge ends). */
const VIRTUAL_INTERFACE = /^(lo|veth|docker|br-|virbr|cni|flannel|vxlan|tun|tap|wg)/

export function diskUsage(d: AgentMetricsDto['disks'][number]): DiskUsageDto {
  const usable = d.usedBytes + d.availableBytes
  return { ...d, percent: usable > 0 ? Math.round((d.usedBytes / usable) * 10_000) / 100 : 0 }
}

export function hostSample(serverId: string, time: number, m: AgentMetricsDto): HostSampleDto {
  const disks = m.disks.map(diskUsage)
  const sum = <T>(items: T[], pick: (item: T) => number) => items.reduce((total, item) => total + (pick(item) || 0), 0)
  const nics = m.network.filter((n) => !VIRTUAL_INTERFACE.test(n.interface))
  const temperatures = m.temperatures.filter((t) => t.milliCelsius > 0).map((t) => ({ sensor: t.sensor, celsius: t.milliCelsius / 1000 }))
  return {
    serverId,
    time,
    values: {
      cpu: m.cpu.percent,
      load1: m.load[0],
      memUsed: m.memory.usedBytes,
      memTotal: m.memory.totalBytes,
      swapUsed: m.swap.usedBytes,
      diskPct: disks.length ? Math.max(...disks.map((d) => d.percent)) : null,
      diskUsed: sum(disks, (d) => d.usedBytes),
      diskTotal: sum(disks, (d) => d.totalBytes),
      diskRead: sum(m.diskIo, (d) => d.readBytesPerSec),
      diskWrite: sum(m.diskIo, (d) => d.writeBytesPerSec),
      netRx: sum(nics, (n) => n.rxBytesPerSec),
      netTx: sum(nics, (n) => n.txBytesPerSec),
      temp: temperatures.length ? Math.max(...temperatures.map((t) => t.celsius)) : null,
    },
    disks,
    temperatures,
    cpus: m.cpu.perCore.length,
    uptimeSeconds: m.uptimeSeconds,
  }
}

/** The fullest disk, for the overview tile. */
export function fullestDisk(sample: HostSampleDto | undefined): DiskUsageDto | undefined {
  return sample?.disks.reduce<DiskUsageDto | undefined>((a, b) => (!a || b.percent > a.percent ? b : a), undefined)
}
