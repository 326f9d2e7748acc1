import { describe, expect, it } from 'vitest'
import type { ContainerHistoryDto, HostHistoryDto, HostSampleDto, HostValues } from '../../../../../shared/contract/index.js'
import { appendSample, CHARTED_SERIES, containerColumns, gapCount, HOST_CHARTS, hasPoints, hostColumns } from './chart-data.js'

const values = (cpu: number | null, temp: number | null = null): HostValues => ({
  cpu, load1: 0.1, memUsed: 1000, memTotal: 4000, swapUsed: 0, diskPct: 50, diskUsed: 5, diskTotal: 10, diskRead: 0, diskWrite: 0, netRx: 10, netTx: 5, temp,
})

function history(times: number[], cpu: (number | null)[], from = 0, to = 3600): HostHistoryDto {
  return { serverId: 's1', range: '1h', from, to, resolution: 'raw', stepSeconds: 5, times, gaps: [], series: { cpu: { avg: cpu, max: cpu }, temp: { avg: cpu.map(() => null), max: cpu.map(() => null) } } }
}

const sample = (time: number, cpu: number): HostSampleDto => ({ serverId: 's1', time, values: values(cpu), disks: [], temperatures: [], cpus: 2, uptimeSeconds: 1 })

describe('host chart columns', () => {
  it('gives uPlot the times and one column per series, null where nothing was sampled', () => {
    const cpu = HOST_CHARTS.find((c) => c.id === 'cpu')!
    const columns = hostColumns(history([10, 15, 21], [5, null, 7]), cpu)
    expect(columns).toEqual({ labels: ['CPU'], data: [[10, 15, 21], [5, null, 7]], from: 0, to: 3600 })
    expect(hasPoints(columns)).toBe(true)
    // A server without sensors has a temperature chart with nothing to draw, not a line at zero.
    const temp = hostColumns(history([10, 15], [5, 6]), HOST_CHARTS.find((c) => c.id === 'temperature')!)
    expect(temp.data[1]).toEqual([null, null])
    expect(hasPoints(temp)).toBe(false)
  })

  it('counts the stretches without data between points, not a quiet start or end', () => {
    const cpu = HOST_CHARTS.find((c) => c.id === 'cpu')!
    expect(gapCount(hostColumns(history([1, 2, 3, 4, 5, 6], [null, 1, null, null, 2, null]), cpu))).toBe(1)
    expect(gapCount(hostColumns(history([1, 2, 3], [1, 2, 3]), cpu))).toBe(0)
    expect(gapCount(hostColumns(history([1, 2, 3, 4, 5], [1, null, 2, null, 3]), cpu))).toBe(2)
  })

  it('asks the history for every series a chart draws, with units for each chart', () => {
    expect(CHARTED_SERIES).toEqual(expect.arrayContaining(['cpu', 'memUsed', 'diskPct', 'diskRead', 'diskWrite', 'netRx', 'netTx', 'temp']))
    expect(Object.fromEntries(HOST_CHARTS.map((c) => [c.id, c.unit]))).toEqual({ cpu: 'percent', memory: 'bytes', disk: 'percent', 'disk-io': 'rate', network: 'rate', temperature: 'celsius' })
  })
})

describe('the live edge', () => {
  it('appends a sample that follows closely, and moves the window with it', () => {
    const next = appendSample(history([3590, 3595], [1, 2], 0, 3600), sample(3600, 3), 5)
    expect(next.times).toEqual([3590, 3595, 3600])
    expect(next.series.cpu?.avg).toEqual([1, 2, 3])
    expect(next.to).toBe(3600)
    const later = appendSample(next, sample(3605, 4), 5)
    expect(later.from).toBe(5)
    expect(later.to).toBe(3605)
  })

  it('puts a null point before a sample that comes after a pause, so the line does not bridge it', () => {
    const next = appendSample(history([100], [1], 0, 3600), sample(200, 2), 5)
    expect(next.times).toEqual([100, 101, 200])
    expect(next.series.cpu?.avg).toEqual([1, null, 2])
    expect(next.gaps).toEqual([[101, 200]])
    // A null never becomes a number: temperature stays null without a sensor.
    expect(next.series.temp?.avg).toEqual([null, null, null])
  })

  it('drops points that fell out of the range and ignores a sample it already has', () => {
    const h = history([0, 1800, 3600], [1, 2, 3], 0, 3600)
    const next = appendSample(h, sample(5400, 4), 1000)
    expect(next.times).toEqual([1800, 3600, 5400])
    expect(appendSample(next, sample(5400, 9), 1000)).toBe(next)
  })
})

describe('per-container columns', () => {
  it('draws one series per container, sorted by name', () => {
    const h: ContainerHistoryDto = {
      serverId: 's1', range: '1h', from: 0, to: 120, resolution: 'raw', stepSeconds: 60, times: [0, 60], gaps: [],
      containers: [
        { container: 'web-1', app: 'web', cpu: { avg: [1, 2], max: [1, 2] }, memory: { avg: [10, null], max: [10, null] } },
        { container: 'db-1', cpu: { avg: [3, 4], max: [3, 4] }, memory: { avg: [30, 40], max: [30, 40] } },
      ],
    }
    expect(containerColumns(h, 'memory')).toEqual({ labels: ['db-1', 'web-1'], data: [[0, 60], [30, 40], [10, null]], from: 0, to: 120 })
  })
})
