// First-time set-up of a server: each step is check → the exact commands → apply → verify, run as a job
// of kind `provision`; a second run resumes where the first stopped, and on a ready server every step is
// "already done".

import { z } from 'zod'
import { method, out } from './define.js'
import { serverId } from './servers.js'

export const PROVISION_STEPS = ['connect', 'key', 'password-login', 'os', 'docker', 'group', 'agent', 'linger', 'verify'] as const
export type ProvisionStepId = (typeof PROVISION_STEPS)[number]

export interface ProvisionStepDto {
  id: ProvisionStepId
  title: string
  /** done: nothing to do; todo: will run the commands; skipped: not asked for (password login) or not needed. */
  status: 'done' | 'todo' | 'skipped' | 'blocked'
  /** What the check found, in words. */
  detail: string
  /** The exact commands the step runs on the server (sudo ones shown with `sudo`), for the user to read first. */
  commands: string[]
  needsSudo: boolean
}

export interface ProvisionPlanDto {
  serverId: string
  steps: ProvisionStepDto[]
  /** Whether any step to run needs sudo with a password (the wizard then asks for it once). */
  needsSudoPassword: boolean
  ready: boolean
}

export interface ProvisionJobResult {
  status: 'provisioned'
  serverId: string
  steps: { id: ProvisionStepId; outcome: 'already-done' | 'done' | 'skipped' }[]
  summary: { os: string; docker: string; agent: string; keyFile?: string }
}

const ProvisionOptions = z.object({
  serverId,
  /** Use this private key file instead of generating one for Homeport. */
  identityFile: z.string().min(1).optional(),
  /** Turn off password login once a key login works (verified afterwards). Never done unasked. */
  disablePasswordLogin: z.boolean().default(false),
  /** Only switch to a key login (connect, key): nothing else on the server changes; the summary then says "not checked". */
  keyOnly: z.boolean().default(false),
})

export const provisionContract = {
  /** Runs every check and returns the steps with their commands; changes nothing. */
  'provision.plan': method(ProvisionOptions, out<ProvisionPlanDto>()),
  /**
   * Starts a `provision` job. The sudo password, when needed, is asked once through a `password` prompt
   * (or given here by a front end that read it itself, e.g. the CLI's --sudo-password-stdin); never stored.
   */
  'provision.run': method(ProvisionOptions.extend({ sudoPassword: z.string().optional() }), out<{ jobId: string }>()),
} as const
