// restic's `--json` output: status lines become a job's progress bar (bytes done of the total, time left),
// the summary line becomes the result.

import type { JobContext } from '../jobs/job-runner.js'

export interface ResticSummary {
  files_new: number
  files_changed: number
  total_bytes_processed: number
  data_added: number
  snapshot_id: string
}

interface StatusLine {
  message_type: 'status'
  percent_done?: number
  total_bytes?: number
  bytes_done?: number
  seconds_remaining?: number
}

function parse(line: string): { message_type?: string } | undefined {
  if (!line.startsWith('{')) return undefined
  try {
    return JSON.parse(line) as { message_type?: string }
  } catch {
    return undefined
  }
}

/** A line handler that updates the job's bar, and the summary once restic printed it. */
export function backupProgress(ctx: JobContext, label: string): { onLine: (line: string) => void; summary: () => ResticSummary | undefined } {
  let summary: ResticSummary | undefined
  return {
    onLine(line) {
      const msg = parse(line)
      if (msg?.message_type === 'summary') summary = msg as unknown as ResticSummary
      if (msg?.message_type !== 'status') return
      const s = msg as StatusLine
      ctx.progress(
        [{ key: 'backup', label, current: s.bytes_done ?? 0, total: s.total_bytes ?? 0, unit: 'bytes', ...(s.seconds_remaining !== undefined ? { etaSeconds: s.seconds_remaining } : {}) }],
        Math.min(1, s.percent_done ?? 0),
      )
    },
    summary: () => summary,
  }
}
