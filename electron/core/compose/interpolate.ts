// Compose's variable substitution (compose-spec "Interpolation"): `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`,
// `${VAR:?e}`, `${VAR?e}`, `${VAR:+a}`, `${VAR+a}`, `$$` for a literal `$`, nested inside the default,
// error and alternative parts. Only values are interpolated, never keys, as Compose does.

import { joinPath, type ProblemList } from './problems.js'

export type VariableLookup = (name: string) => string | undefined

const NAME_START = /[_a-zA-Z]/
const NAME_CHAR = /[_a-zA-Z0-9]/
const BRACED = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-?+])([\s\S]*))?$/

interface SubstituteContext {
  lookup: VariableLookup
  problems: ProblemList
  path: string
}

/** Index of the `}` closing the `${` that starts at `open`, counting nested `${…}`; -1 when unclosed. */
function closingBrace(text: string, open: number): number {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') {
      i++
    } else if (text[i] === '$' && text[i + 1] === '{') {
      depth++
      i++
    } else if (text[i] === '}') {
      depth--
      if (depth === 0) return i
    }
  }
  return -1
}

function invalid(ctx: SubstituteContext, text: string): null {
  ctx.problems.invalid(ctx.path, `invalid interpolation format in "${text}": write a literal $ as $$`)
  return null
}

function resolveBraced(inner: string, ctx: SubstituteContext, whole: string): string | null {
  const match = BRACED.exec(inner)
  if (!match) return invalid(ctx, whole)
  const [, name, operator, rest = ''] = match
  const value = ctx.lookup(name)
  const unsetOrEmpty = value === undefined || value === ''
  switch (operator) {
    case undefined:
      if (value === undefined) {
        ctx.problems.warn(ctx.path, `The "${name}" variable is not set. Defaulting to a blank string.`)
        return ''
      }
      return value
    case ':-':
      return unsetOrEmpty ? substitute(rest, ctx) : (value as string)
    case '-':
      return value === undefined ? substitute(rest, ctx) : value
    case ':+':
      return unsetOrEmpty ? '' : substitute(rest, ctx)
    case '+':
      return value === undefined ? '' : substitute(rest, ctx)
    case ':?':
    case '?': {
      if (operator === ':?' ? unsetOrEmpty : value === undefined) {
        const reason = substitute(rest, ctx) ?? rest
        const why = reason === '' ? '' : `: ${reason}`
        ctx.problems.add('COMPOSE_VARIABLE_MISSING', ctx.path, `required variable ${name} is missing a value${why}`)
        return ''
      }
      return value as string
    }
    default:
      return invalid(ctx, whole)
  }
}

/** Substitutes one string; returns null (and records a problem) when its syntax is wrong. */
export function substitute(text: string, ctx: SubstituteContext): string | null {
  let out = ''
  let i = 0
  while (i < text.length) {
    const dollar = text.indexOf('$', i)
    if (dollar === -1) {
      out += text.slice(i)
      break
    }
    out += text.slice(i, dollar)
    const next = text[dollar + 1]
    if (next === '$') {
      out += '$'
      i = dollar + 2
    } else if (next === '{') {
      const close = closingBrace(text, dollar)
      if (close === -1) return invalid(ctx, text)
      const resolved = resolveBraced(text.slice(dollar + 2, close), ctx, text)
      if (resolved === null) return null
      out += resolved
      i = close + 1
    } else if (next !== undefined && NAME_START.test(next)) {
      let end = dollar + 2
      while (end < text.length && NAME_CHAR.test(text[end])) end++
      const name = text.slice(dollar + 1, end)
      const value = ctx.lookup(name)
      if (value === undefined) ctx.problems.warn(ctx.path, `The "${name}" variable is not set. Defaulting to a blank string.`)
      out += value ?? ''
      i = end
    } else {
      return invalid(ctx, text)
    }
  }
  return out
}

export function interpolateString(text: string, lookup: VariableLookup, problems: ProblemList, path = ''): string {
  return substitute(text, { lookup, problems, path }) ?? text
}

/**
 * Interpolates every string value of a parsed Compose document. Extension keys (`x-…`) are left as they
 * are: Homeport ignores them, and store metadata (CasaOS descriptions) often holds stray `$` signs.
 */
export function interpolateTree(node: unknown, lookup: VariableLookup, problems: ProblemList, path = ''): unknown {
  if (typeof node === 'string') return interpolateString(node, lookup, problems, path)
  if (Array.isArray(node)) return node.map((item, index) => interpolateTree(item, lookup, problems, joinPath(path, index)))
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) {
      out[key] = key.startsWith('x-') ? value : interpolateTree(value, lookup, problems, joinPath(path, key))
    }
    return out
  }
  return node
}

/** Every variable name a string refers to (used to tell the UI which values an app needs). */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>()
  const re = /\$(?:\$|\{([_a-zA-Z][_a-zA-Z0-9]*)|([_a-zA-Z][_a-zA-Z0-9]*))/g
  for (const m of text.matchAll(re)) {
    const name = m[1] ?? m[2]
    if (name) names.add(name)
  }
  return [...names]
}
