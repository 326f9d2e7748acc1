import { HomeportError } from '../../../shared/errors.js'
import type { ComposeProblem, ComposeProblemCode, ComposeWarning } from './types.js'

/** Joins path segments the way people read Compose files: `services.web.ports[0]`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`
  return base === '' ? key : `${base}.${key}`
}

export function describeProblem(problem: ComposeProblem): string {
  return problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`
}

/** Gathers every problem and warning of one load, so a person sees them all at once. */
export class ProblemList {
  readonly problems: ComposeProblem[] = []
  readonly warnings: ComposeWarning[] = []

  add(code: ComposeProblemCode, path: string, message: string): void {
    if (this.problems.some((p) => p.code === code && p.path === path && p.message === message)) return
    this.problems.push({ code, path, message })
  }

  invalid(path: string, message: string): void {
    this.add('COMPOSE_INVALID', path, message)
  }

  unsupported(path: string, message: string): void {
    this.add('COMPOSE_UNSUPPORTED', path, message)
  }

  warn(path: string, message: string): void {
    if (this.warnings.some((w) => w.path === path && w.message === message)) return
    this.warnings.push({ path, message })
  }

  get empty(): boolean {
    return this.problems.length === 0
  }

  /** Throws when anything was found: the code of the first problem, every problem in `details`. */
  throwIfAny(): void {
    if (this.problems.length > 0) throw composeError(this.problems)
  }
}

export class ComposeError extends HomeportError {
  readonly problems: ComposeProblem[]

  constructor(problems: ComposeProblem[]) {
    const first = problems[0]
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''
    super(first.code, `${describeProblem(first)}${more}`, {
      details: problems.map((p) => `${p.code} ${describeProblem(p)}`).join('\n'),
    })
    this.problems = problems
  }
}

export function composeError(problems: ComposeProblem[]): ComposeError {
  // Variable and unsupported-key problems come first: they say what to fix before the schema noise they cause.
  const rank: Record<ComposeProblemCode, number> = { COMPOSE_VARIABLE_MISSING: 0, COMPOSE_UNSUPPORTED: 1, COMPOSE_INVALID: 2 }
  const sorted = [...problems].sort((a, b) => rank[a.code] - rank[b.code])
  return new ComposeError(sorted)
}
