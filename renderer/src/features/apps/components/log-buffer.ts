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
  /** Lines dropped from the front since the buffer was created. */
  dropped = 0

  constructor(readonly cap = 200_000) {}

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

  /** The lines as the viewer should see them (at most `cap`, trimming any grace margin). */
  visible(filter: LogFilter = {}): LogEntry[] {
    const start = Math.max(0, this.entries.length - this.cap)
    const query = filter.query?.toLowerCase() ?? ''
    const out: LogEntry[] = []
    for (let i = start; i < this.entries.length; i++) {
      const entry = this.entries[i]
      if (filter.service && entry.service !== filter.service) continue
      if (filter.stream && entry.stream !== filter.stream) continue
      if (query && !entry.text.toLowerCase().includes(query)) continue
      out.push(entry)
    }
    return out
  }

  services(): string[] {
    return [...new Set(this.entries.map((e) => e.service))].sort()
  }

  clear(): void {
    this.dropped += this.entries.length
    this.entries = []
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
