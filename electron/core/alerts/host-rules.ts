// Threshold rules on host samples: a disk above its threshold (per mount), memory pressure, a hot sensor.
// Each has hysteresis — raised at the threshold, cleared only a margin below it — and memory and temperature
// must stay high for a few samples, so a value hovering at the line or one spike does not flap the alert.

import type { HostSampleDto } from '../../../shared/contract/index.js'
import { formatBytes, type AlertRef, type AlertSpec, type RuleAction } from './alert-spec.js'

export interface Thresholds {
  diskPercent: number
  memoryPercent: number
  temperatureCelsius: number
}

/** Points below the threshold a value must fall before its alert clears. */
export const CLEAR_MARGIN = { disk: 5, memory: 5, temperature: 5 }
/** Samples in a row a value must stay over the line; disk usage is only read every 30 s by the agent. */
export const SUSTAIN = { disk: 1, memory: 3, temperature: 3 }

export class Hysteresis {
  private over = 0

  constructor(public raised = false) {}

  /** 'raise' on the sample that completes `sustain` in a row at or above `raiseAt`; 'clear' once below `clearBelow`. */
  step(value: number, raiseAt: number, clearBelow: number, sustain: number): 'raise' | 'clear' | undefined {
    if (this.raised) {
      if (value >= clearBelow) return undefined
      this.raised = false
      this.over = 0
      return 'clear'
    }
    this.over = value >= raiseAt ? this.over + 1 : 0
    if (this.over < sustain) return undefined
    this.raised = true
    return 'raise'
  }
}

const pct = (v: number) => `${Math.round(v)} %`

export class HostRules {
  private readonly disks = new Map<string, Hysteresis>()
  private memory: Hysteresis
  private temperature: Hysteresis

  constructor(
    private readonly serverId: string,
    private readonly serverName: () => string,
    /** Whether an alert is open already (from before a reconnect or a restart of the app). */
    private readonly isOpen: (ref: AlertRef) => boolean,
  ) {
    this.memory = new Hysteresis(isOpen(this.ref('memory.pressure', 'memory')))
    this.temperature = new Hysteresis(isOpen(this.ref('temperature.high', 'temperature')))
  }

  private ref(rule: AlertRef['rule'], subject: string): AlertRef {
    return { rule, serverId: this.serverId, subject }
  }

  private spec(rule: AlertSpec['rule'], subject: string, title: string, message: string): AlertSpec {
    return { rule, severity: 'warning', serverId: this.serverId, subject, title, message, target: { kind: 'server', serverId: this.serverId } }
  }

  evaluate(sample: HostSampleDto, t: Thresholds): RuleAction[] {
    const actions: RuleAction[] = []
    const name = this.serverName()
    const seen = new Set<string>()
    for (const d of sample.disks) {
      seen.add(d.mount)
      let h = this.disks.get(d.mount)
      if (!h) this.disks.set(d.mount, (h = new Hysteresis(this.isOpen(this.ref('disk.full', d.mount)))))
      const verdict = h.step(d.percent, t.diskPercent, t.diskPercent - CLEAR_MARGIN.disk, SUSTAIN.disk)
      if (verdict === 'raise') {
        const message = `${formatBytes(d.usedBytes)} of ${formatBytes(d.usedBytes + d.availableBytes)} used on ${d.mount} (${d.source}); ${formatBytes(d.availableBytes)} left. Free some space or give it more; the alert starts at ${pct(t.diskPercent)}, a per-server setting.`
        actions.push({ raise: this.spec('disk.full', d.mount, `${name}: disk ${d.mount} is ${pct(d.percent)} full`, message) })
      } else if (verdict === 'clear') {
        actions.push({ resolve: { ref: this.ref('disk.full', d.mount), resolution: 'recovered', message: `${d.mount} is at ${pct(d.percent)} again.` } })
      }
    }
    for (const [mount, h] of this.disks) {
      if (seen.has(mount) || sample.disks.length === 0) continue
      this.disks.delete(mount)
      if (h.raised) actions.push({ resolve: { ref: this.ref('disk.full', mount), resolution: 'gone', message: `${mount} is no longer mounted.` } })
    }
    const total = sample.values.memTotal ?? 0
    if (total > 0) {
      const used = ((sample.values.memUsed ?? 0) / total) * 100
      const verdict = this.memory.step(used, t.memoryPercent, t.memoryPercent - CLEAR_MARGIN.memory, SUSTAIN.memory)
      if (verdict === 'raise') {
        const message = `${pct(used)} of ${formatBytes(total)} memory in use, ${formatBytes(total - (sample.values.memUsed ?? 0))} available. Apps may be killed for lack of memory; stop one or add memory.`
        actions.push({ raise: this.spec('memory.pressure', 'memory', `${name} is short of memory`, message) })
      } else if (verdict === 'clear') {
        actions.push({ resolve: { ref: this.ref('memory.pressure', 'memory'), resolution: 'recovered', message: `Memory use is down to ${pct(used)}.` } })
      }
    }
    const hottest = sample.temperatures.reduce<{ sensor: string; celsius: number } | undefined>((a, b) => (!a || b.celsius > a.celsius ? b : a), undefined)
    if (hottest) {
      const verdict = this.temperature.step(hottest.celsius, t.temperatureCelsius, t.temperatureCelsius - CLEAR_MARGIN.temperature, SUSTAIN.temperature)
      if (verdict === 'raise') {
        const message = `Sensor ${hottest.sensor} reads ${Math.round(hottest.celsius)} °C (the alert starts at ${t.temperatureCelsius} °C). Check its cooling and airflow.`
        actions.push({ raise: this.spec('temperature.high', 'temperature', `${name} is running hot: ${Math.round(hottest.celsius)} °C`, message) })
      } else if (verdict === 'clear') {
        actions.push({ resolve: { ref: this.ref('temperature.high', 'temperature'), resolution: 'recovered', message: `Down to ${Math.round(hottest.celsius)} °C.` } })
      }
    }
    return actions
  }
}
