import { parseDocument } from 'yaml'
import type { ProblemList } from './problems.js'

/**
 * Parses Compose YAML into plain data. Anchors, aliases and `<<` merge keys work as in Docker Compose;
 * duplicate keys are errors. Syntax errors are reported with line and column.
 */
export function parseComposeYaml(yamlText: string, problems: ProblemList): Record<string, unknown> | undefined {
  const doc = parseDocument(yamlText, { merge: true, uniqueKeys: true, prettyErrors: true })
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const at = err.linePos?.[0]
      const where = at ? `line ${at.line}, column ${at.col}` : ''
      const firstLine = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
      problems.invalid(where, `YAML syntax error: ${firstLine}`)
    }
    return undefined
  }
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 1000 })
  } catch (err) {
    problems.invalid('', `YAML could not be read: ${err instanceof Error ? err.message : String(err)}`)
    return undefined
  }
  if (data === null || data === undefined) {
    problems.invalid('', 'the compose file is empty; it needs a services: section')
    return undefined
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.invalid('', 'the compose file must be a mapping of top-level keys (services:, networks:, volumes:, …)')
    return undefined
  }
  return data as Record<string, unknown>
}
