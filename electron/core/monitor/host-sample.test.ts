import { describe, expect, it } from 'vitest'
import type { AgentMetricsDto } from '../../../shared/contract/index.js'
import { fullestDisk, hostSample } from './host-sample.js'
import { cpuPercent, memoryBytes } from './container-usage.js'

const metrics: AgentMetricsDto = {
  time: 1, intervalMs: 5000,
  cpu: { percent: 12.5, perCore: [10, 15] },
  load: [0.5, 0.4, 0.3],
  memory: { totalBytes: 8000, availableBytes: 2000, usedBytes: 6000 },
  swap: { totalBytes: 100, usedBytes: 10 },
  disks: [
    { mount: '/', source: '/dev/sda1', fstype: 'ext4', totalBytes: 1000, usedBytes: 500, availableBytes: 450 },
    { mount: '/data', source: '/dev/sdb1', fstype: 'ext4', totalBytes: 2000, usedBytes: 1800, availableBytes: 100 },
  ],
  diskIo: [{ device: 'sda', readBytesPerSec: 10, writeBytesPerSec: 20 }, { device: 'sdb', readBytesPerSec: 1, writeBytesPerSec: 2 }],
  network: [
    { interface: 'lo', rxBytes: 0, txBytes: 0, rxBytesPerSec: 999, txBytesPerSec: 999 },
    { interface: 'eth0', rxBytes: 0, txBytes: 0, rxBytesPerSec: 100, txBytesPerSec: 50 },
    { interface: 'docker0', rxBytes: 0, txBytes: 0, rxBytesPerSec: 70, txBytesPerSec: 70 },
    { interface: 'veth12ab', rxBytes: 0, txBytes: 0, rxBytesPerSec: 70, txBytesPerSec: 70 },
  ],
  temperatures: [],
  uptimeSeconds: 99,
}

describe('a host sample', () => {
  it('sums rates over real interfaces and disks, and takes the fullest disk as df reads it', () => {
    const s = hostSample('s1', 42, metrics)
    expect(s.values).toEqual({ cpu: 12.5, load1: 0.5, memUsed: 6000, memTotal: 8000, swapUsed: 10, diskPct: 94.74, diskUsed: 2300, diskTotal: 3000, diskRead: 11, diskWrite: 22, netRx: 100, netTx: 50, temp: null })
    expect(fullestDisk(s)).toMatchObject({ mount: '/data', percent: 94.74 })
    expect(s.cpus).toBe(2)
  })

  it('reads temperatures in °C and keeps the hottest', () => {
    const s = hostSample('s1', 42, { ...metrics, temperatures: [{ sensor: 'a', milliCelsius: 45000 }, { sensor: 'b', milliCelsius: 61500 }] })
    expect(s.values.temp).toBe(61.5)
  })
})

describe('container usage from one-shot stats', () => {
  it('computes CPU between two readings, as docker stats does, and memory without the page cache', () => {
    const at = (total: number, system: number) => ({ cpu_stats: { cpu_usage: { total_usage: total }, system_cpu_usage: system, online_cpus: 4 }, memory_stats: { usage: 5000, stats: { cache: 1000 } } })
    expect(cpuPercent(at(2_000, 20_000), { total: 1_000, system: 10_000 })).toBe(40)
    expect(cpuPercent(at(2_000, 20_000), undefined)).toBeNull()
    expect(memoryBytes(at(0, 0))).toBe(4000)
  })
})
