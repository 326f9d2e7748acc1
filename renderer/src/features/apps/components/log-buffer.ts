// A log buffer for the viewer: appends in bulk, keeps at most `cap` lines (oldest dropped first), and
// filters by service, stream and text. Plain arrays, not reactive ones: the viewer re-reads on `version`.

import type { LogLineDto } from '../../../../../shared/contract/index.js'

export interface LogEntry extends LogLineDto {
  /** Increasing number of the line since the buffer was created; a stable key for the virtual list. */
  seq: number
}

export interface LogFilter {
  query?: string
  service?: string
  stream?: 'stdout' | 'stderr'
}

export class LogBuffer {
  private entries: LogEntry[] = []
  private nextSeq = 0
  /** The last filter's result, extended with each append instead of re-filtering every line every frame. */
  private view?: { key: string; out: LogEntry[]; upto: number }
  /** Lines dropped from the front since the buffer was created. */
  dropped = 0

  constructor(readonly cap = 500_000) {}

  get length(): number {
    return Math.min(this.entries.length, this.cap)
  }

  append(lines: readonly LogLineDto[]): void {
    for (const line of lines) this.entries.push({ ...line, seq: this.nextSeq++ })
    // Trim in chunks: shifting one line at a time would copy the whole array for every new line.
    if (this.entries.length > this.cap + Math.ceil(this.cap / 10)) {
      const excess = this.entries.length - this.cap
      this.entries.splice(0, excess)
      this.dropped += excess
    }
  }

  /**
   * The lines as the viewer should see them (at most `cap`, trimming any grace margin). The same array grows
   * between calls with the same filter: only lines appended since are filtered.
   */
  visible(filter: LogFilter = {}): LogEntry[] {
    const key = JSON.stringify([filter.query?.toLowerCase() ?? '', filter.service ?? '', filter.stream ?? ''])
    const firstSeq = this.entries.length > this.cap ? this.entries[this.entries.length - this.cap].seq : (this.entries[0]?.seq ?? this.nextSeq)
    if (this.view?.key !== key) this.view = { key, out: [], upto: firstSeq }
    const view = this.view
    const query = filter.query?.toLowerCase() ?? ''
    // Entries are in seq order with no gaps, so the first unseen one is found by its number.
    const base = this.entries[0]?.seq ?? this.nextSeq
    for (let i = Math.max(0, view.upto - base, firstSeq - base); i < this.entries.length; i++) {
      const entry = this.entries[i]
      if (filter.service && entry.service !== filter.service) continue
      if (filter.stream && entry.stream !== filter.stream) continue
      if (query && !entry.text.toLowerCase().includes(query)) continue
      view.out.push(entry)
    }
    view.upto = this.nextSeq
    let drop = 0
    while (drop < view.out.length && view.out[drop].seq < firstSeq) drop++
    if (drop) view.out.splice(0, drop)
    return view.out
  }

  /** Where a follow resumes without repeating a line: the last line's time and how many lines share it. */
  resumePoint(): { time: string; seen: number } | undefined {
    const time = this.entries.at(-1)?.time
    if (!time) return undefined
    let seen = 0
    for (let i = this.entries.length - 1; i >= 0 && this.entries[i].time === time; i--) seen++
    return { time, seen }
  }

  services(): string[] {
    return [...new Set(this.entries.map((e) => e.service))].sort()
  }

  clear(): void {
    this.dropped += this.entries.length
    this.entries = []
    this.view = undefined
  }
}

export interface TextPart {
  text: string
  match: boolean
}

/** Splits a line around every case-insensitive occurrence of `query`, for highlighting. */
export function highlightParts(text: string, query: string): TextPart[] {
  if (!query) return [{ text, match: false }]
  const lower = text.toLowerCase()
  const needle = query.toLowerCase()
  const parts: TextPart[] = []
  let from = 0
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) {
    if (at > from) parts.push({ text: text.slice(from, at), match: false })
    parts.push({ text: text.slice(at, at + needle.length), match: true })
    from = at + needle.length
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false })
  return parts
}
