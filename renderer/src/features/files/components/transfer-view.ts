// A transfer row as the panel draws it: one bar for the whole transfer and one per file in flight, with
// bytes, rate and time left. While the page itself moves bytes (a browser tab staging a drop, or saving a
// download) its own count is the bar.

import type { JobDto } from '../../../../../shared/contract/index.js'
import { formatBytes } from '../../../ui/format.js'
import type { Transfer } from '../transfers-store.js'

export interface TransferBar {
  key: string
  label: string
  percent: number
  detail: string
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`
}

function percent(current: number, total: number): number {
  return total > 0 ? Math.round((Math.min(current, total) / total) * 1000) / 10 : 0
}

function detail(current: number, total: number, rate?: number, eta?: number): string {
  const parts = [`${formatBytes(current)} of ${formatBytes(total)}`]
  if (rate !== undefined) parts.push(`${formatBytes(rate)}/s`)
  if (eta !== undefined) parts.push(`${formatDuration(eta)} left`)
  return parts.join(' · ')
}

export function transferBars(t: Transfer, job: JobDto | undefined): TransferBar[] {
  const phaseLabel = t.phase === 'saving' ? 'Saving in the browser' : 'Sending from the browser'
  if ((t.phase === 'preparing' || t.phase === 'saving') && t.pageBytes) {
    return [{ key: 'page', label: phaseLabel, percent: percent(t.pageBytes.done, t.pageBytes.total), detail: detail(t.pageBytes.done, t.pageBytes.total) }]
  }
  if (!job) return []
  if (t.phase === 'succeeded') return [{ key: 'total', label: job.items[0]?.label ?? 'Done', percent: 100, detail: job.items[0] ? formatBytes(job.items[0].total) : '' }]
  return job.items.map((item) => ({
    key: item.key,
    label: item.label,
    percent: percent(item.current, item.total),
    detail: item.unit === 'bytes' ? detail(item.current, item.total, item.rate, item.etaSeconds) : `${item.current} of ${item.total}`,
  }))
}
