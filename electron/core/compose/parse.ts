import { isMap, isScalar, LineCounter, parseDocument, Parser, visit } from 'yaml'
import type { ProblemList } from './problems.js'

/** Deeper than any real compose file nests (about ten levels); well short of where parsing would overflow. */
export const MAX_NESTING = 64

type CstNode = { type?: string; value?: unknown; items?: { key?: unknown; value?: unknown }[]; offset?: number }

/**
 * How deep the text's mappings and lists nest, read from yaml's syntax tree without recursion (the parser
 * that builds the document recurses, and a few thousand levels overflow its stack). Stops at `limit + 1`.
 */
function nestingDepth(yamlText: string, limit: number, lineCounter: LineCounter): { depth: number; offset?: number } {
  let deepest = { depth: 0, offset: undefined as number | undefined }
  for (const token of new Parser(lineCounter.addNewLine).parse(yamlText)) {
    const stack: [CstNode, number][] = [[token as CstNode, 0]]
    while (stack.length) {
      const [node, above] = stack.pop()!
      const depth = node.type === 'block-map' || node.type === 'block-seq' || node.type === 'flow-collection' ? above + 1 : above
      if (depth > deepest.depth) deepest = { depth, offset: node.offset }
      if (depth > limit) return deepest
      if (node.value && typeof node.value === 'object') stack.push([node.value as CstNode, depth])
      for (const item of node.items ?? []) {
        if (item.key && typeof item.key === 'object') stack.push([item.key as CstNode, depth])
        if (item.value && typeof item.value === 'object') stack.push([item.value as CstNode, depth])
      }
    }
  }
  return deepest
}

function where(lineCounter: LineCounter, offset: number | undefined): string {
  if (offset === undefined) return ''
  const { line, col } = lineCounter.linePos(offset)
  return `line ${line}, column ${col}`
}

/**
 * Keys that appear twice in one mapping. yaml's own check compares every key with every other (quadratic: a
 * mapping of 40,000 keys takes 20 s); a set per mapping does the same in one pass. `<<` merge keys may repeat.
 */
function reportDuplicateKeys(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter, problems: ProblemList): void {
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return
      const seen = new Set<string>()
      for (const pair of map.items) {
        const key = pair.key
        const name = isScalar(key) ? String(key.value) : String(key)
        if (name === '<<') continue
        if (seen.has(name)) problems.invalid(where(lineCounter, isScalar(key) ? key.range?.[0] : undefined), `YAML syntax error: the key "${name}" appears twice in this mapping`)
        seen.add(name)
      }
    },
  })
}

/**
 * Parses Compose YAML into plain data. Anchors, aliases and `<<` merge keys work as in Docker Compose;
 * duplicate keys are errors. Syntax errors are reported with line and column; nesting deeper than
 * MAX_NESTING is refused before the document is built.
 */
export function parseComposeYaml(yamlText: string, problems: ProblemList): Record<string, unknown> | undefined {
  const depthLines = new LineCounter()
  const deep = nestingDepth(yamlText, MAX_NESTING, depthLines)
  if (deep.depth > MAX_NESTING) {
    problems.invalid(where(depthLines, deep.offset), `mappings and lists are nested more than ${MAX_NESTING} levels deep; a compose file needs a handful`)
    return undefined
  }
  const lineCounter = new LineCounter()
  const doc = parseDocument(yamlText, { merge: true, uniqueKeys: false, prettyErrors: true, lineCounter })
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const at = err.linePos?.[0]
      const place = at ? `line ${at.line}, column ${at.col}` : ''
      const firstLine = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
      problems.invalid(place, `YAML syntax error: ${firstLine}`)
    }
    return undefined
  }
  reportDuplicateKeys(doc, lineCounter, problems)
  if (problems.problems.length) return undefined
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
