import { describe, expect, it } from 'vitest'
import type { HostSampleDto } from '../../../shared/contract/index.js'
import type { AlertRef, RuleAction } from './alert-spec.js'
import { Hysteresis, HostRules } from './host-rules.js'

const T = { diskPercent: 90, memoryPercent: 95, temperatureCelsius: 85 }
const GB = 1e9

function sample(over: { disks?: [string, number][]; memUsedPct?: number; temp?: number } = {}): HostSampleDto {
  const disks = (over.disks ?? [['/', 50]]).map(([mount, percent]) => ({
    mount, source: `/dev/${mount.length}`, fstype: 'ext4', totalBytes: 100 * GB, usedBytes: percent * GB, availableBytes: (100 - percent) * GB, percent,
  }))
  const total = 8 * GB
  return {
    serverId: 's1', time: 0, disks, cpus: 4, uptimeSeconds: 1,
    temperatures: over.temp === undefined ? [] : [{ sensor: 'coretemp/Package id 0', celsius: over.temp }],
    values: { cpu: 1, load1: 0, memUsed: ((over.memUsedPct ?? 50) / 100) * total, memTotal: total, swapUsed: 0, diskPct: 0, diskUsed: 0, diskTotal: 0, diskRead: 0, diskWrite: 0, netRx: 0, netTx: 0, temp: over.temp ?? null },
  }
}

const kinds = (actions: RuleAction[]) => actions.map((a) => ('raise' in a ? `raise ${a.raise.rule} ${a.raise.subject}` : `resolve ${a.resolve.ref.rule} ${a.resolve.ref.subject} ${a.resolve.resolution}`))

describe('Hysteresis', () => {
  it('raises once at the line, stays raised in the margin, clears below it', () => {
    const h = new Hysteresis()
    expect([89, 90, 95, 88, 86, 85, 84, 91].map((v) => h.step(v, 90, 85, 1))).toEqual([undefined, 'raise', undefined, undefined, undefined, undefined, 'clear', 'raise'])
  })

  it('needs the value over the line for `sustain` samples in a row', () => {
    const h = new Hysteresis()
    expect([96, 96, 50, 96, 96, 96, 96].map((v) => h.step(v, 95, 90, 3))).toEqual([undefined, undefined, undefined, undefined, undefined, 'raise', undefined])
  })
})

describe('host rules', () => {
  const rules = (open: AlertRef[] = []) => new HostRules('s1', () => 'nas', (ref) => open.some((o) => o.rule === ref.rule && o.subject === ref.subject))

  it('raises one disk alert per full mount, not one per sample, and resolves it once freed below the margin', () => {
    const r = rules()
    const seen = [
      sample({ disks: [['/', 50], ['/data', 80]] }),
      sample({ disks: [['/', 50], ['/data', 92]] }),
      sample({ disks: [['/', 50], ['/data', 93]] }),
      sample({ disks: [['/', 50], ['/data', 87]] }),
      sample({ disks: [['/', 50], ['/data', 40]] }),
    ].flatMap((s) => kinds(r.evaluate(s, T)))
    expect(seen).toEqual(['raise disk.full /data', 'resolve disk.full /data recovered'])
  })

  it('words the disk alert for people and points at the server', () => {
    const [action] = rules().evaluate(sample({ disks: [['/data', 93]] }), T)
    expect(action).toMatchObject({ raise: { severity: 'warning', serverId: 's1', title: 'nas: disk /data is 93 % full', target: { kind: 'server', serverId: 's1' } } })
    expect('raise' in action && action.raise.message).toMatch(/^93 GB of 100 GB used on \/data .* 7\.0 GB left\./)
  })

  it('uses the per-server threshold it is given', () => {
    expect(kinds(rules().evaluate(sample({ disks: [['/', 82]] }), { ...T, diskPercent: 80 }))).toEqual(['raise disk.full /'])
  })

  it('resolves a disk alert as gone when the mount disappears', () => {
    const r = rules()
    r.evaluate(sample({ disks: [['/', 50], ['/mnt/usb', 99]] }), T)
    expect(kinds(r.evaluate(sample({ disks: [['/', 50]] }), T))).toEqual(['resolve disk.full /mnt/usb gone'])
  })

  it('picks up an alert left open before a reconnect instead of raising a second one', () => {
    const r = rules([{ rule: 'disk.full', serverId: 's1', subject: '/data' }])
    expect(kinds(r.evaluate(sample({ disks: [['/data', 95]] }), T))).toEqual([])
    expect(kinds(r.evaluate(sample({ disks: [['/data', 10]] }), T))).toEqual(['resolve disk.full /data recovered'])
  })

  it('raises memory pressure only when it lasts, and temperature the same way', () => {
    const r = rules()
    const seen = [97, 97, 97, 97, 80].flatMap((m) => kinds(r.evaluate(sample({ memUsedPct: m, temp: m - 10 }), T)))
    expect(seen).toEqual(['raise memory.pressure memory', 'raise temperature.high temperature', 'resolve memory.pressure memory recovered', 'resolve temperature.high temperature recovered'])
  })
})
