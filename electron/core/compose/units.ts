// Value conversions Compose applies after interpolation: Go durations, byte sizes as in docker/go-units,
// booleans and numbers that may arrive as strings, and shell-words splitting of string commands.

const DURATION_UNITS_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }

/** Go's time.ParseDuration (`1m30s`, `500ms`, `1.5h`; a string without unit only for `0`); a YAML number counts as seconds. Undefined when invalid. */
export function parseDurationNs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1e9) : undefined
  const text = value.trim()
  if (text === '0') return 0
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy
  let total = 0
  let consumed = 0
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * DURATION_UNITS_NS[m[2]]
    consumed = re.lastIndex
  }
  if (consumed === 0 || consumed !== text.length) return undefined
  return Math.round(total)
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }

/** docker/go-units RAMInBytes: `512m`, `1g`, `1.5GB`, `2GiB`, `1024` — binary multiples. */
export function parseBytes(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtpb]?)(?:i?b)?$/i.exec(value.trim())
  if (!m) return undefined
  return Math.round(Number(m[1]) * BYTE_UNITS[m[2].toLowerCase()])
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on', '1'])
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off', '0'])

export function parseBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (typeof value === 'number') return value !== 0
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase()
    if (TRUE_WORDS.has(word)) return true
    if (FALSE_WORDS.has(word)) return false
  }
  return undefined
}

export function parseNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  return undefined
}

export function parseInteger(value: unknown): number | undefined {
  const n = parseNumber(value)
  return n !== undefined && Number.isInteger(n) ? n : undefined
}

/**
 * Splits a command string into words like a POSIX shell without expansion (what Compose does with
 * `command: "a 'b c'"`): single quotes literal, double quotes honour `\"`, `\\`, `\$`, `` \` ``; a
 * backslash outside quotes escapes the next character. Undefined when a quote is left open.
 */
export function splitShellWords(text: string): string[] | undefined {
  const words: string[] = []
  let current = ''
  let inWord = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === "'") {
      const end = text.indexOf("'", i + 1)
      if (end === -1) return undefined
      current += text.slice(i + 1, end)
      inWord = true
      i = end
    } else if (c === '"') {
      let j = i + 1
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && '"\\$`\n'.includes(text[j + 1] ?? '')) j++
        current += text[j]
      }
      if (j >= text.length) return undefined
      inWord = true
      i = j
    } else if (c === '\\') {
      if (i + 1 < text.length) {
        if (text[i + 1] !== '\n') current += text[i + 1]
        i++
      }
      inWord = true
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(current)
      current = ''
      inWord = false
    } else {
      current += c
      inWord = true
    }
  }
  if (inWord) words.push(current)
  return words
}
