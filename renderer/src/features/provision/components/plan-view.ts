// The plan as the wizard lists it: a word for each step's status, and each command marked as run with sudo
// or as a note about something that is not a shell command (a reconnect, an SFTP upload).

import type { ProvisionPlanDto, ProvisionStepDto } from '../../../../../shared/contract/index.js'

export const STATUS_TEXT: Record<ProvisionStepDto['status'], string> = {
  done: 'Already done',
  todo: 'Will run',
  skipped: 'Skipped',
  blocked: 'Blocked',
}

export const STATUS_TONE = { done: 'success', todo: 'info', skipped: 'default', blocked: 'error' } as const

export interface CommandLine {
  text: string
  sudo: boolean
  /** Not a shell command but what Homeport does itself, written in parentheses by the core. */
  note: boolean
}

export function commandLines(step: ProvisionStepDto): CommandLine[] {
  return step.commands.map((text) => ({ text, sudo: text.startsWith('sudo '), note: text.startsWith('(') }))
}

/** Why the plan cannot run as it is, or undefined when it can. */
export function blockedBy(plan: ProvisionPlanDto): string | undefined {
  const blocked = plan.steps.find((s) => s.status === 'blocked')
  return blocked ? `${blocked.title}: ${blocked.detail}` : undefined
}

export function stepsToRun(plan: ProvisionPlanDto): number {
  return plan.steps.filter((s) => s.status === 'todo').length
}
