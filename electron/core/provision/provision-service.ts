// First-time set-up of a server as a job: every step is check → the exact commands → apply → verify, in
// order, and a step whose check finds it done is logged "already done" and left alone — so a second run
// resumes where a failed one stopped. The sudo password is validated before anything changes and lives
// only in this job's closure.

import type { ParsedInput, ProvisionJobResult, ProvisionPlanDto, ProvisionStepDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { JobContext, JobRunner } from '../jobs/job-runner.js'
import type { Prompter } from '../runtime/types.js'
import type { ProvisionContext, ProvisionOptions } from './provision-context.js'
import { STEPS } from './steps.js'
import { validateSudo, type SudoMode } from './sudo-runner.js'
import { buildContext, type ContextDeps } from './context-builder.js'

export interface ProvisionServiceDeps extends ContextDeps {
  jobs: JobRunner
  prompts: Prompter
}

type Options = ParsedInput<'provision.plan'>

/** What `keyOnly` runs: a key login instead of a password, and nothing else. */
const KEY_ONLY: readonly string[] = ['connect', 'key']

export class ProvisionService {
  private readonly running = new Set<string>()

  constructor(private readonly deps: ProvisionServiceDeps) {}

  private options(input: Options): ProvisionOptions {
    return { disablePasswordLogin: input.disablePasswordLogin, ...(input.identityFile ? { identityFile: input.identityFile } : {}) }
  }

  async plan(serverId: string, input: Options): Promise<ProvisionPlanDto> {
    const ctx = buildContext(this.deps, serverId, this.options(input))
    const steps = await checkAll(ctx, input.keyOnly ? STEPS.filter((s) => KEY_ONLY.includes(s.id)) : STEPS)
    const needsRoot = steps.some((s) => s.status === 'todo' && s.needsSudo)
    const hello = input.keyOnly ? undefined : await ctx.hello()
    return {
      serverId,
      steps,
      needsSudoPassword: needsRoot && hello !== undefined && hello.user.uid !== 0 && !hello.sudo.passwordless,
      ready: steps.every((s) => s.status === 'done' || s.status === 'skipped'),
    }
  }

  async run(serverId: string, input: ParsedInput<'provision.run'>): Promise<{ jobId: string }> {
    if (this.running.has(serverId)) {
      throw new HomeportError('ALREADY_EXISTS', 'Set-up is already running for this server.', { hint: 'Follow the running job, or cancel it first.' })
    }
    const name = this.deps.server(serverId).name
    this.running.add(serverId)
    const { id, done } = this.deps.jobs.start({ kind: 'provision', title: `Set up ${name}`, serverId }, (job) => this.work(serverId, input, job))
    void done.catch(() => {}).finally(() => this.running.delete(serverId))
    return { jobId: id }
  }

  private async work(serverId: string, input: ParsedInput<'provision.run'>, job: JobContext): Promise<ProvisionJobResult> {
    let sudo: SudoMode | undefined
    const ctx = buildContext(this.deps, serverId, this.options(input), { job, sudo: () => sudo })
    const steps = input.keyOnly ? STEPS.filter((s) => KEY_ONLY.includes(s.id)) : STEPS
    const items = steps.map((s) => ({ key: s.id, label: s.title, current: 0, total: 1 }))
    const report = () => job.progress(items, items.filter((i) => i.current).length / items.length)

    job.step('Checking what is already in place')
    const checks = await checkAll(ctx, steps)
    const blocked = checks.find((c) => c.status === 'blocked' && c.id === 'os')
    if (blocked) throw await ctx.os().then(() => new HomeportError('UNSUPPORTED_OS', blocked.detail), (err: unknown) => err)
    if (checks.some((c) => c.status === 'todo' && c.needsSudo)) sudo = await this.sudoFor(ctx, input.sudoPassword, job.signal)

    const outcomes: ProvisionJobResult['steps'] = []
    for (const [index, step] of steps.entries()) {
      if (job.signal.aborted) throw new HomeportError('CANCELLED')
      job.step(step.title)
      // Earlier steps change what later ones find (a reconnect, a new package): check again just before.
      const check = index === 0 ? checks[0] : toDto(step, await step.check(ctx))
      if (check.status === 'done' || check.status === 'skipped') {
        job.log(`${check.status === 'done' ? 'Already done' : 'Skipped'}: ${check.detail}`)
        outcomes.push({ id: step.id, outcome: check.status === 'done' ? 'already-done' : 'skipped' })
      } else if (check.status === 'blocked') {
        throw new HomeportError('COMMAND_FAILED', `${step.title}: ${check.detail}`)
      } else {
        job.log(check.detail)
        for (const command of check.commands) job.log(`  will run: ${command}`)
        if (check.needsSudo && !sudo) sudo = await this.sudoFor(ctx, input.sudoPassword, job.signal)
        await step.apply(ctx, check)
        job.log(`Verified: ${await step.verify(ctx)}`)
        outcomes.push({ id: step.id, outcome: 'done' })
      }
      items[index].current = 1
      report()
    }
    const server = this.deps.server(serverId)
    if (input.keyOnly) {
      const notChecked = 'not checked'
      return { status: 'provisioned', serverId, steps: outcomes, summary: { os: notChecked, docker: notChecked, agent: notChecked, ...(server.identityFile ? { keyFile: server.identityFile } : {}) } }
    }
    const hello = await ctx.hello(true)
    const status = await ctx.agentStatus()
    const info = await ctx.dockerInfo()
    return {
      status: 'provisioned',
      serverId,
      steps: outcomes,
      summary: {
        os: hello.os.prettyName,
        docker: `${info.version} (API ${info.apiVersion})`,
        agent: status.installed ?? status.bundled,
        ...(server.identityFile ? { keyFile: server.identityFile } : {}),
      },
    }
  }

  /** Root for the steps that need it: as root, by passwordless sudo, or with the password asked once. */
  private async sudoFor(ctx: ProvisionContext, given: string | undefined, signal: AbortSignal): Promise<SudoMode> {
    const hello = await ctx.hello()
    if (hello.user.uid === 0) return { kind: 'root' }
    if (!hello.sudo.present) throw new HomeportError('SUDO_UNAVAILABLE', `${hello.user.name} cannot use sudo on this server (sudo is not installed).`)
    if (hello.sudo.passwordless) return { kind: 'passwordless' }
    const session = await ctx.session()
    let password = given
    if (password === undefined) {
      const server = ctx.server()
      const answer = await this.deps.prompts.ask(
        { kind: 'password', serverId: ctx.serverId, title: `sudo password for ${server.user}@${server.host}`, message: `Set-up runs some commands as root with sudo. Enter the password sudo asks ${server.user} for on ${server.name}; it is used for this set-up only and never stored.` },
        signal,
      )
      if (typeof answer !== 'string') throw new HomeportError('CANCELLED', 'Set-up needs the sudo password and none was given.')
      password = answer
    }
    const mode: SudoMode = { kind: 'password', password }
    await validateSudo(session, mode)
    ctx.log('sudo accepted the password.')
    return mode
  }
}

function toDto(step: (typeof STEPS)[number], check: Awaited<ReturnType<(typeof STEPS)[number]['check']>>): ProvisionStepDto {
  return { id: step.id, title: step.title, ...check }
}

async function checkAll(ctx: ProvisionContext, steps: readonly (typeof STEPS)[number][] = STEPS): Promise<ProvisionStepDto[]> {
  const out: ProvisionStepDto[] = []
  for (const step of steps) out.push(toDto(step, await step.check(ctx)))
  return out
}
