// Validation against the official Compose Specification JSON schema (compose-spec.schema.json, see
// README.md for its origin and licence). Ajv's raw output is turned into one readable line per problem:
// paths in Compose terms and the noise of `oneOf` alternatives collapsed to the alternative that fits.

import type { ErrorObject } from 'ajv'
// Compiled ahead of time (scripts/compose-validator.mjs): compiling the schema on every run cost ~300 ms. Its
// `uniqueEntries` is the schema's `uniqueItems` checked in one pass instead of every entry against every other.
import validate from './compose-validator.generated.cjs'
import type { ProblemList } from './problems.js'

/** `/services/web/ports/0` → `services.web.ports[0]`, using the data to tell list indexes from keys. */
export function pointerToPath(pointer: string, data: unknown): string {
  if (pointer === '') return ''
  let node: unknown = data
  let out = ''
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (Array.isArray(node)) {
      out += `[${key}]`
      node = node[Number(key)]
    } else {
      out = out === '' ? key : `${out}.${key}`
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined
    }
  }
  return out
}

const NAMED_SECTIONS = new Set(['/services', '/volumes', '/networks', '/secrets', '/configs'])

function describeType(type: string): string {
  if (type === 'null') return 'empty'
  if (type === 'object') return 'a mapping'
  if (type === 'array') return 'a list'
  if (type === 'integer') return 'an integer'
  return `a ${type}`
}

function typeList(types: string[]): string {
  const unique = [...new Set(types.flatMap((t) => t.split(',')))].map(describeType)
  return unique.length === 1 ? unique[0] : `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`
}

function valueType(value: unknown): string {
  if (value === null) return 'empty'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  return `a ${typeof value}`
}

function valueAt(pointer: string, data: unknown): unknown {
  let node = data
  for (const raw of pointer.slice(1).split('/')) {
    if (pointer === '') break
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined
  }
  return node
}

interface Readable {
  pointer: string
  message: string
}

function readable(err: ErrorObject): Readable {
  const p = err.params as Record<string, unknown>
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty)
      const pointer = `${err.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`
      if (NAMED_SECTIONS.has(err.instancePath)) {
        return { pointer, message: 'invalid name: use only letters, digits, ".", "_" and "-"' }
      }
      return { pointer, message: 'unknown key (not part of the Compose Specification)' }
    }
    case 'required':
      return { pointer: err.instancePath, message: `missing required key "${String(p.missingProperty)}"` }
    case 'type':
      return { pointer: err.instancePath, message: `must be ${typeList([String(p.type)])}` }
    case 'enum':
      return { pointer: err.instancePath, message: `must be one of: ${(p.allowedValues as unknown[]).join(', ')}` }
    case 'uniqueItems':
    case 'uniqueEntries':
      return { pointer: err.instancePath, message: `lists the same entry twice (items ${String(p.j)} and ${String(p.i)})` }
    case 'pattern':
      return { pointer: err.instancePath, message: `does not match the pattern ${String(p.pattern)}` }
    default:
      return { pointer: err.instancePath, message: err.message ?? `fails the ${err.keyword} rule` }
  }
}

/**
 * Collapses `oneOf`: when some alternative matched the value's type, only that alternative's errors are
 * kept; when none did, the alternatives' type errors become one "must be X or Y" line.
 */
function collapseOneOf(errors: ErrorObject[], data: unknown): Readable[] {
  let remaining = [...errors]
  const replacements: Readable[] = []
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf').sort((a, b) => b.instancePath.length - a.instancePath.length)
  for (const oneOf of oneOfs) {
    if (!remaining.includes(oneOf)) continue
    const at = oneOf.instancePath
    const inside = remaining.filter((e) => e !== oneOf && (e.instancePath === at || e.instancePath.startsWith(`${at}/`)))
    const typeErrorsHere = inside.filter((e) => e.keyword === 'type' && e.instancePath === at)
    const others = inside.filter((e) => !typeErrorsHere.includes(e))
    remaining = remaining.filter((e) => e !== oneOf && !typeErrorsHere.includes(e))
    if (others.length === 0 && !replacements.some((r) => r.pointer.startsWith(`${at}/`))) {
      const types = typeErrorsHere.map((e) => String((e.params as { type: unknown }).type))
      const message =
        types.length > 0
          ? `must be ${typeList(types)}, not ${valueType(valueAt(at, data))}`
          : 'matches more than one allowed form; use one of them'
      replacements.push({ pointer: at, message })
    }
  }
  return [...remaining.map(readable), ...replacements]
}

/** Validates interpolated Compose data; every problem lands in `problems` as COMPOSE_INVALID. */
export function validateComposeSchema(data: unknown, problems: ProblemList): void {
  if (validate(data)) return
  for (const { pointer, message } of collapseOneOf(validate.errors ?? [], data)) {
    problems.invalid(pointerToPath(pointer, data), message)
  }
}
