import { describe, expect, it } from 'vitest'
import type { ServerOverviewDto } from '../../../../../shared/contract/index.js'
import { tileView } from './tile-view.js'

const GiB = 1024 ** 3
const tile = (over: Partial<ServerOverviewDto> = {}): ServerOverviewDto => ({
  serverId: 's1',
  name: 'nas',
  state: 'ready',
  monitoring: 'sampling',
  latest: {
    serverId: 's1', time: 1, cpus: 4, uptimeSeconds: 1, disks: [], temperatures: [],
    values: { cpu: 12.34, load1: 1, memUsed: 2 * GiB, memTotal: 8 * GiB, swapUsed: 0, diskPct: 93, diskUsed: 1, diskTotal: 2, diskRead: 0, diskWrite: 0, netRx: 0, netTx: 0, temp: 51.2 },
  },
  fullestDisk: { mount: '/data', source: '/dev/sdb1', fstype: 'ext4', totalBytes: 100, usedBytes: 93, availableBytes: 7, percent: 93 },
  apps: { running: 3, total: 4 },
  containers: { running: 5, total: 6 },
  alerts: { open: 1, worst: 'warning' },
  ...over,
})

describe('a dashboard tile', () => {
  it('says state, CPU, memory, the fullest disk, temperature, apps and alerts', () => {
    expect(tileView(tile())).toEqual({
      cpu: '12.3 %', memory: '25 % · 2.0 GiB of 8.0 GiB', disk: '/data 93 %', temperature: '51 °C', apps: '3 / 4 running', alerts: '1 open', tone: 'warning',
    })
  })

  it('says why there are no numbers instead of showing zeros', () => {
    const offline = tileView(tile({ state: 'offline', monitoring: 'off', latest: undefined, fullestDisk: undefined, alerts: { open: 0 } }))
    expect(offline).toMatchObject({ cpu: '–', memory: '–', disk: '–', temperature: '–', alerts: 'none open', tone: 'idle', note: 'Not connected: its server page connects it.' })
    expect(tileView(tile({ latest: undefined, alerts: { open: 0 } }))).toMatchObject({ tone: 'ok', note: 'Waiting for the first sample…' })
    const noSensor = tile()
    noSensor.latest!.values.temp = null
    expect(tileView(noSensor).temperature).toBe('no sensor')
  })
})
