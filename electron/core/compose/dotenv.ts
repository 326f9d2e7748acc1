// `.env` files as Compose reads them: `KEY=value`, optional `export `, `#` comments (whole-line, or after
// whitespace in an unquoted value), single quotes literal, double quotes with escapes and `${VAR}`
// expansion, unquoted values trimmed and expanded, quoted values spanning lines.

import { interpolateString, type VariableLookup } from './interpolate.js'
import { ProblemList } from './problems.js'

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/
const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '$$' }

export function parseDotenv(
  text: string,
  problems: ProblemList,
  opts: { fileLabel?: string; lookup?: VariableLookup } = {},
): Record<string, string> {
  const label = opts.fileLabel ?? '.env'
  const vars: Record<string, string> = {}
  const lookup: VariableLookup = (name) => opts.lookup?.(name) ?? (Object.hasOwn(vars, name) ? vars[name] : undefined)
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  let pos = 0
  let line = 1
  while (pos < src.length) {
    const eol = src.indexOf('\n', pos)
    const rawLine = src.slice(pos, eol === -1 ? src.length : eol)
    const lineNo = line
    const trimmed = rawLine.trim()
    const advanceLine = () => {
      pos = eol === -1 ? src.length : eol + 1
      line++
    }
    if (trimmed === '' || trimmed.startsWith('#')) {
      advanceLine()
      continue
    }
    const body = trimmed.replace(/^export\s+/, '')
    const eq = body.indexOf('=')
    const key = (eq === -1 ? body : body.slice(0, eq)).trim()
    const where = `${label} line ${lineNo}`
    if (!KEY.test(key)) {
      problems.invalid(where, `"${key}" is not a valid variable name`)
      advanceLine()
      continue
    }
    if (eq === -1) {
      // A bare name takes its value from the given values, as Compose takes it from the shell.
      const given = opts.lookup?.(key)
      if (given !== undefined) vars[key] = given
      advanceLine()
      continue
    }
    // The value may start a quoted string that runs over several lines, so read from the raw source.
    const valueStart = pos + rawLine.indexOf('=') + 1
    let cursor = valueStart
    while (src[cursor] === ' ' || src[cursor] === '\t') cursor++
    const quote = src[cursor]
    if (quote === '"' || quote === "'") {
      let end = cursor + 1
      let value = ''
      while (end < src.length && src[end] !== quote) {
        if (quote === '"' && src[end] === '\\' && end + 1 < src.length) {
          const escaped = DOUBLE_QUOTE_ESCAPES[src[end + 1]]
          value += escaped ?? `\\${src[end + 1]}`
          end += 2
          continue
        }
        value += src[end]
        end++
      }
      if (end >= src.length) {
        problems.invalid(where, `unterminated ${quote === '"' ? 'double' : 'single'}-quoted value for ${key}`)
        break
      }
      line += (src.slice(cursor, end).match(/\n/g) ?? []).length
      vars[key] = quote === "'" ? value : interpolateString(value, lookup, problems, where)
      const after = src.indexOf('\n', end)
      pos = after === -1 ? src.length : after + 1
      line++
      continue
    }
    let value = src.slice(cursor, eol === -1 ? src.length : eol)
    const comment = value.search(/\s#/)
    if (comment !== -1) value = value.slice(0, comment)
    vars[key] = interpolateString(value.trim(), lookup, problems, where)
    advanceLine()
  }
  return vars
}

/** The values of one env_file (or a `.env` given on its own), refused with every problem named when malformed. */
export function envFileValues(text: string, fileLabel: string): Record<string, string> {
  const problems = new ProblemList()
  const values = parseDotenv(text, problems, { fileLabel })
  problems.throwIfAny()
  return values
}
