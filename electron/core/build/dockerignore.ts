// `.dockerignore` read and matched as the docker CLI does (moby/patternmatcher): patterns are cleaned paths
// relative to the context root; `*` and `?` never cross a `/`, `**` spans any number of folders (none
// included), `[…]` classes pass through to the regular expression as in Docker, `\` escapes; a pattern
// that matches a folder matches everything under it; `!` re-includes; the last pattern that matches wins.

import { posix } from 'node:path'

export interface IgnorePattern {
  /** The pattern as cleaned, without its `!`. */
  pattern: string
  exclusion: boolean
  regex: RegExp
}

/** Lines of a `.dockerignore` as the docker CLI reads them: comments, blanks, a BOM, a leading `/` dropped. */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = []
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (raw.startsWith('#')) continue
    let pattern = raw.trim()
    if (!pattern) continue
    const exclusion = pattern.startsWith('!')
    if (exclusion) pattern = pattern.slice(1).trim()
    if (pattern) {
      pattern = posix.normalize(pattern)
      if (pattern.endsWith('/') && pattern.length > 1) pattern = pattern.slice(0, -1)
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1)
    }
    patterns.push(exclusion ? `!${pattern}` : pattern)
  }
  return patterns
}

const escapeRegex = (ch: string) => (/[.$^+(){}|]/.test(ch) ? `\\${ch}` : ch)

function compile(pattern: string): RegExp {
  let source = '^'
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++
        if (pattern[i + 1] === '/') i++
        // `**` at the end takes everything; inside, any run of whole folders (or none).
        source += i + 1 >= pattern.length ? '.*' : '(.*/)?'
      } else {
        source += '[^/]*'
      }
    } else if (ch === '?') {
      source += '[^/]'
    } else if (ch === '\\') {
      const next = pattern[i + 1]
      if (next === undefined) throw new Error(`"${pattern}" ends with a lone backslash`)
      source += `\\${next}`
      i++
    } else {
      source += escapeRegex(ch)
    }
  }
  return new RegExp(`${source}$`, 's')
}

export class DockerignoreMatcher {
  readonly patterns: IgnorePattern[]
  /** Whether any `!` pattern exists: an excluded folder must then still be walked for re-included files. */
  readonly hasExclusions: boolean

  constructor(lines: string[]) {
    this.patterns = lines.map((line) => {
      const exclusion = line.startsWith('!')
      const pattern = exclusion ? line.slice(1) : line
      return { pattern, exclusion, regex: compile(pattern) }
    })
    this.hasExclusions = this.patterns.some((p) => p.exclusion)
  }

  static fromText(text: string): DockerignoreMatcher {
    return new DockerignoreMatcher(parseDockerignore(text))
  }

  /** Whether `path` (relative to the context, `/`-separated) is left out of the context. */
  ignores(path: string): boolean {
    const file = posix.normalize(path).replace(/^\.\//, '').replace(/\/$/, '')
    const parents = file.split('/').slice(0, -1)
    let ignored = false
    for (const p of this.patterns) {
      if (p.exclusion !== ignored) continue
      let match = p.regex.test(file)
      for (let i = 1; !match && i <= parents.length; i++) match = p.regex.test(parents.slice(0, i).join('/'))
      if (match) ignored = !p.exclusion
    }
    return ignored
  }
}
