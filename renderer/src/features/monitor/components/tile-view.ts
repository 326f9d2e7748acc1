// What a dashboard tile says about a server, as plain text, from the core's overview: kept out of the
// component so the wording (and what counts as "no reading") is tested.

import type { ServerOverviewDto } from '../../../../../shared/contract/index.js'
import { formatValue } from '../../../ui/chart-units.js'

export interface TileView {
  cpu: string
  memory: string
  disk: string
  temperature: string
  apps: string
  alerts: string
  tone: 'ok' | 'info' | 'warning' | 'critical' | 'idle'
  /** Why there are no numbers, when there are none. */
  note?: string
}

export function tileView(tile: ServerOverviewDto): TileView {
  const v = tile.latest?.values
  const memory = v && v.memUsed !== null && v.memTotal ? `${Math.round((v.memUsed / v.memTotal) * 100)} % · ${formatValue('bytes', v.memUsed)} of ${formatValue('bytes', v.memTotal)}` : '–'
  const disk = tile.fullestDisk ? `${tile.fullestDisk.mount} ${Math.round(tile.fullestDisk.percent)} %` : '–'
  const alerts = tile.alerts.open === 0 ? 'none open' : `${tile.alerts.open} open`
  const tone = tile.alerts.worst ?? (tile.state === 'ready' ? 'ok' : tile.state === 'offline' ? 'idle' : 'info')
  const note =
    tile.state === 'offline' ? 'Not connected: its server page connects it.'
    : !tile.latest && tile.monitoring === 'off' ? 'Monitoring is off for this server.'
    : !tile.latest ? 'Waiting for the first sample…'
    : undefined
  return {
    cpu: formatValue('percent', v?.cpu),
    memory,
    disk,
    temperature: v?.temp === null || v?.temp === undefined ? (v ? 'no sensor' : '–') : formatValue('celsius', v.temp),
    apps: `${tile.apps.running} / ${tile.apps.total} running`,
    alerts,
    tone,
    ...(note ? { note } : {}),
  }
}
