// Name clashes at the destination, decided by the policy given when the transfer started. `ask` asks the
// person once per clash through the Prompter (a `nameClash` prompt), and an answer ending in `-all` stands for
// the rest of the job. No answer (dismissed, timed out) cancels the job before anything more is written.

import { CLASH_ANSWERS, type ClashAnswer, type ClashPolicy } from '../../../../shared/contract/index.js'
import { HomeportError } from '../../../../shared/errors.js'

export type Decision = 'overwrite' | 'skip' | 'rename'
export type AskClash = (path: string, existing: string, incoming: string) => Promise<boolean | string | undefined>

export class ClashResolver {
  private standing?: Decision

  constructor(
    private readonly policy: ClashPolicy,
    private readonly ask: AskClash,
  ) {}

  async decide(path: string, existing: string, incoming: string): Promise<Decision> {
    if (this.policy !== 'ask') return this.policy
    if (this.standing) return this.standing
    const answer = await this.ask(path, existing, incoming)
    if (typeof answer !== 'string' || !(CLASH_ANSWERS as readonly string[]).includes(answer)) {
      throw new HomeportError('CANCELLED', `No answer about ${path}, which already exists: the transfer stopped there.`)
    }
    const decision = answer.replace(/-all$/, '') as Decision
    if ((answer as ClashAnswer).endsWith('-all')) this.standing = decision
    return decision
  }
}

/** `name (1).ext`, `name (2).ext`…: the first that `taken` does not hold. */
export function freeName(name: string, taken: (candidate: string) => boolean): string {
  const dot = name.lastIndexOf('.')
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, '']
  for (let n = 1; ; n++) {
    const candidate = `${stem} (${n})${ext}`
    if (!taken(candidate)) return candidate
  }
}
