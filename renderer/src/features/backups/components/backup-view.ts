// Backup figures as the Backups page shows them: a running backup's bar (bytes, rate, time left), what a
// finished run added and how well it deduplicated, and dates.

import type { BackupJobResult, JobDto, RetentionDto } from '../../../../../shared/contract/index.js'
import { formatBytes } from '../../../ui/format.js'

export interface BackupBarView {
  percent: number
  /** "12.0 MiB / 40.0 MiB" */
  bytes: string
  /** "3.1 MiB/s", empty until restic has measured one. */
  rate: string
  /** "about 2 min left", empty when unknown. */
  eta: string
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return ''
  if (seconds < 1) return 'under a second'
  if (seconds < 60) return `${Math.round(seconds)} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`
}

/** The bar of a backup job: restic's one `backup` item; a finished run is full. */
export function backupBar(job: JobDto): BackupBarView {
  const item = job.items.find((i) => i.key === 'backup')
  const done = job.state === 'succeeded'
  const total = item?.total ?? 0
  const current = item?.current ?? 0
  const percent = done ? 100 : total > 0 ? Math.round((Math.min(current, total) / total) * 1000) / 10 : 0
  return {
    percent,
    bytes: total > 0 ? `${formatBytes(done ? total : current)} / ${formatBytes(total)}` : done ? '' : 'measuring…',
    rate: !done && item?.rate ? `${formatBytes(item.rate)}/s` : '',
    eta: !done && item?.etaSeconds !== undefined ? `about ${formatDuration(item.etaSeconds)} left` : '',
  }
}

/** How many times smaller the new data was than what was read: 1 when everything was new. */
export function dedupRatio(result: Pick<BackupJobResult, 'bytesProcessed' | 'bytesAdded'>): number | undefined {
  if (result.bytesProcessed <= 0) return undefined
  return result.bytesProcessed / Math.max(result.bytesAdded, 1)
}

/** "read 40.0 MiB, stored 1.2 MiB new (dedup 33×), app down 4 s" */
export function describeBackup(result: BackupJobResult): string {
  const ratio = dedupRatio(result)
  const parts = [`read ${formatBytes(result.bytesProcessed)}`, `stored ${formatBytes(result.bytesAdded)} new`]
  // Below 1× (a first run: restic's own metadata on top of new data) there is nothing deduplicated to show.
  if (ratio !== undefined && ratio >= 1.05) parts[1] += ` (dedup ${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}×)`
  parts.push(result.consistency === 'stop' ? `app down ${formatDuration(result.downtimeMs / 1000)}` : 'app kept running (hooks)')
  if (result.forgotten > 0) parts.push(`${result.forgotten} old snapshot${result.forgotten === 1 ? '' : 's'} pruned`)
  return parts.join(', ')
}

export function formatWhen(iso: string | undefined): string {
  if (!iso) return 'never'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString()
}

export const RETENTION_FIELDS: { key: keyof RetentionDto; label: string }[] = [
  { key: 'last', label: 'Latest' },
  { key: 'hourly', label: 'Hourly' },
  { key: 'daily', label: 'Daily' },
  { key: 'weekly', label: 'Weekly' },
  { key: 'monthly', label: 'Monthly' },
  { key: 'yearly', label: 'Yearly' },
]

/** "10 latest, 24 hourly, 7 daily, 4 weekly, 12 monthly" */
export function describeRetention(retention: RetentionDto): string {
  return RETENTION_FIELDS.filter((f) => retention[f.key] > 0).map((f) => `${retention[f.key]} ${f.label.toLowerCase()}`).join(', ') || 'keeps everything'
}
