// What the compose editor can tell while the person types, before the server checks the file against the
// Compose Specification on Review: YAML that does not parse, a file without services, .env lines that are
// not NAME=value.

import { parseDocument } from 'yaml'

export interface EditProblem {
  line: number
  message: string
}

export function composeProblems(text: string): EditProblem[] {
  if (!text.trim()) return [{ line: 1, message: 'The compose file is empty.' }]
  const doc = parseDocument(text)
  const errors = doc.errors.map((e) => ({ line: e.linePos?.[0]?.line ?? 1, message: e.message.split('\n')[0] }))
  if (errors.length) return errors
  const value: unknown = doc.toJS()
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [{ line: 1, message: 'A compose file is a mapping with a services: key at the top.' }]
  const services = (value as { services?: unknown }).services
  if (!services || typeof services !== 'object' || Array.isArray(services)) return [{ line: 1, message: 'There is no services: mapping naming at least one service.' }]
  return []
}

const ENV_LINE = /^\s*(#.*)?$|^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/

export function envProblems(text: string): EditProblem[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: i + 1, ok: ENV_LINE.test(line) }))
    .filter((l) => !l.ok)
    .map((l) => ({ line: l.line, message: 'is not NAME=value (a name of letters, digits and _, not starting with a digit).' }))
}
