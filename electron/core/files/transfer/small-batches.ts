// Which files of a plan go in batches rather than one by one. Each file over SFTP costs several requests
// that the server handles one after another (open, write, attributes, close, rename); thousands of small
// files are instead carried as one archive per batch over one command channel, and only the rename into
// place stays a request of its own. Big files keep SFTP's pipelined, resumable path.

import type { PlanItem } from './transfer-plan.js'

/** Files up to this size (one SFTP request) travel in batches. */
export const SMALL_FILE = 255 * 1024
/** Fewer small files than this go one by one: a batch costs a command on the server. */
const MIN_BATCHED = 16
const BATCH_FILES = 1000
const BATCH_BYTES = 16 * 1024 * 1024
/** Batches in flight at once: each is a process on the server doing one file after another. */
export const BATCHES_AT_ONCE = 2
/** Command lines stay well under what sshd and the server's exec accept. */
const BATCH_ARGV_BYTES = 64 * 1024

export interface Batch {
  kind: 'batch'
  items: PlanItem[]
  bytes: number
}

export function splitBatches(files: PlanItem[], nameBytes: (item: PlanItem) => number = () => 0): { batches: Batch[]; single: PlanItem[] } {
  const small = files.filter((f) => f.kind === 'file' && f.size <= SMALL_FILE)
  if (small.length < MIN_BATCHED) return { batches: [], single: files }
  const batches: Batch[] = []
  let current: Batch = { kind: 'batch', items: [], bytes: 0 }
  let argv = 0
  for (const item of small) {
    const n = nameBytes(item)
    if (current.items.length >= BATCH_FILES || current.bytes + item.size > BATCH_BYTES || argv + n > BATCH_ARGV_BYTES) {
      batches.push(current)
      current = { kind: 'batch', items: [], bytes: 0 }
      argv = 0
    }
    current.items.push(item)
    current.bytes += item.size
    argv += n
  }
  if (current.items.length > 0) batches.push(current)
  const batched = new Set(small)
  return { batches, single: files.filter((f) => !batched.has(f)) }
}
