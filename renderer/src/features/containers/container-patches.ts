// A server's container list kept up to date by patches: the core's patch for the containers Docker's events
// named (or, after a reconnect, a whole list) gives a new list that keeps every row that did not change as the
// same frozen object, so one `docker stop` among 1,000 containers redraws one row, not the table. Rows are
// frozen, never made reactive: at 1,000 containers Vue's deep proxies cost more than the table's drawing.
// Sorting and filtering for the table live here too, to stay fast at 1,000 rows.

import type { ContainerDto, ContainersPatchEvent } from '../../../../shared/contract/index.js'

export type ContainerRows = readonly ContainerDto[]

function sameContainer(a: ContainerDto, b: ContainerDto): boolean {
  if (a.name !== b.name || a.state !== b.state || a.status !== b.status || a.image !== b.image || a.created !== b.created) return false
  if (a.ports.length !== b.ports.length || JSON.stringify(a.ports) !== JSON.stringify(b.ports)) return false
  return JSON.stringify(a.labels) === JSON.stringify(b.labels)
}

/** `rows` as a frozen list of frozen rows: Vue leaves what cannot be changed unproxied. */
export function frozenRows(rows: readonly ContainerDto[]): ContainerRows {
  for (const row of rows) Object.freeze(row)
  return Object.freeze(rows)
}

/** The rows of `next` in the order of `rows` (new ones at the end), each unchanged row the object it was. */
export function patchContainers(rows: ContainerRows, next: readonly ContainerDto[]): ContainerRows {
  const incoming = new Map(next.map((c) => [c.id, c]))
  const out: ContainerDto[] = []
  let changed = false
  for (const row of rows) {
    const fresh = incoming.get(row.id)
    if (!fresh) {
      changed = true
      continue
    }
    incoming.delete(row.id)
    if (sameContainer(row, fresh)) out.push(row)
    else {
      out.push(Object.freeze(fresh))
      changed = true
    }
  }
  for (const fresh of incoming.values()) {
    out.push(Object.freeze(fresh))
    changed = true
  }
  return changed ? Object.freeze(out) : rows
}

/**
 * `rows` after one patch: changed rows replaced where they are, new ones first (newest first, as Docker lists
 * them), gone ones dropped, every other row the object it was. The same list when nothing changed.
 */
export function applyContainersPatch(rows: ContainerRows, patch: Pick<ContainersPatchEvent, 'changed' | 'removed'>): ContainerRows {
  const removed = new Set(patch.removed)
  const incoming = new Map(patch.changed.map((c) => [c.id, c]))
  const out: ContainerDto[] = []
  let changed = false
  for (const row of rows) {
    if (removed.has(row.id)) {
      changed = true
      continue
    }
    const fresh = incoming.get(row.id)
    if (fresh) incoming.delete(row.id)
    if (!fresh || sameContainer(row, fresh)) out.push(row)
    else {
      out.push(Object.freeze(fresh))
      changed = true
    }
  }
  const added = [...incoming.values()].filter((c) => !removed.has(c.id)).sort((a, b) => b.created - a.created)
  if (!added.length && !changed) return rows
  for (const row of added) Object.freeze(row)
  return Object.freeze(added.length ? [...added, ...out] : out)
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
export function queryContainers(rows: ContainerRows, query: ContainerQuery): ContainerDto[] {
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
