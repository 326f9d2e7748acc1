// A server's container list kept up to date by patches: the core's patch for the containers Docker's events
// named (or, after a reconnect, a whole list) changes only the rows that differ, adds the new ones and drops
// the gone ones, so one `docker stop` among 1,000 containers redraws one row, not the table. Sorting and
// filtering for the table live here too, to stay fast at 1,000 rows.

import type { ContainerDto, ContainersPatchEvent } from '../../../../shared/contract/index.js'

function sameContainer(a: ContainerDto, b: ContainerDto): boolean {
  if (a.name !== b.name || a.state !== b.state || a.status !== b.status || a.image !== b.image || a.created !== b.created) return false
  if (a.ports.length !== b.ports.length || JSON.stringify(a.ports) !== JSON.stringify(b.ports)) return false
  return JSON.stringify(a.labels) === JSON.stringify(b.labels)
}

/** Brings `rows` in place to `next` (kept in their order, new ones at the end); returns how many rows changed. */
export function patchContainers(rows: ContainerDto[], next: readonly ContainerDto[]): number {
  const incoming = new Map(next.map((c) => [c.id, c]))
  let changes = 0
  let kept = 0
  for (const row of rows) {
    const fresh = incoming.get(row.id)
    if (!fresh) {
      changes++
      continue
    }
    incoming.delete(row.id)
    if (!sameContainer(row, fresh)) {
      Object.assign(row, fresh)
      changes++
    }
    rows[kept++] = row
  }
  if (kept !== rows.length) rows.length = kept
  for (const fresh of incoming.values()) {
    rows.push(fresh)
    changes++
  }
  return changes
}

/**
 * Applies one patch in place: changed rows updated where they are, new ones first (newest first, as Docker
 * lists them), gone ones dropped. Returns how many rows changed.
 */
export function applyContainersPatch(rows: ContainerDto[], patch: Pick<ContainersPatchEvent, 'changed' | 'removed'>): number {
  const removed = new Set(patch.removed)
  const incoming = new Map(patch.changed.map((c) => [c.id, c]))
  let changes = 0
  let kept = 0
  for (const row of rows) {
    if (removed.has(row.id)) {
      changes++
      continue
    }
    const fresh = incoming.get(row.id)
    if (fresh) {
      incoming.delete(row.id)
      if (!sameContainer(row, fresh)) {
        Object.assign(row, fresh)
        changes++
      }
    }
    if (rows[kept] !== row) rows[kept] = row
    kept++
  }
  if (kept !== rows.length) rows.length = kept
  const added = [...incoming.values()].filter((c) => !removed.has(c.id)).sort((a, b) => b.created - a.created)
  if (added.length) rows.unshift(...added)
  return changes + added.length
}

export interface ContainerQuery {
  /** Words that must all appear in the name, image, state or ports (any case). */
  text?: string
  sort?: { key: 'name' | 'image' | 'state' | 'status' | 'created'; order: 'ascend' | 'descend' }
}

function haystack(c: ContainerDto): string {
  return `${c.name} ${c.image} ${c.state} ${c.status} ${c.ports.map((p) => `${p.publicPort ?? ''}:${p.privatePort}`).join(' ')}`.toLowerCase()
}

/** The rows to show: filtered by every word of `text`, then sorted (a stable sort, compared once per pair). */
export function queryContainers(rows: readonly ContainerDto[], query: ContainerQuery): ContainerDto[] {
  const words = (query.text ?? '').toLowerCase().split(/\s+/).filter(Boolean)
  const out = words.length ? rows.filter((c) => { const text = haystack(c); return words.every((w) => text.includes(w)) }) : [...rows]
  const sort = query.sort
  if (sort) {
    const sign = sort.order === 'ascend' ? 1 : -1
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })
    out.sort((a, b) => sign * (sort.key === 'created' ? a.created - b.created : collator.compare(String(a[sort.key]), String(b[sort.key]))))
  }
  return out
}
