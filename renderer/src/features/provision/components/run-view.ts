// Turns a running set-up job into what the wizard draws: one row per step with its phase and bar, and the
// overall bar. The job reports a step's item once the step has finished; the plan it started from says
// which of the finished ones were already done, until the result says so for every step.

import { PROVISION_STEPS, type JobDto, type ProvisionPlanDto, type ProvisionStepId } from '../../../../../shared/contract/index.js'

export type StepPhase = 'waiting' | 'running' | 'done' | 'already-done' | 'skipped' | 'failed' | 'cancelled'

export interface StepRow {
  id: ProvisionStepId
  title: string
  phase: StepPhase
  /** 0–100, from the job's progress item for the step. */
  percent: number
}

export const PHASE_TEXT: Record<StepPhase, string> = {
  waiting: 'Waiting',
  running: 'Running…',
  done: 'Done',
  'already-done': 'Already done',
  skipped: 'Skipped',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

function finishedPhase(id: ProvisionStepId, job: JobDto<'provision'>, plan: ProvisionPlanDto | undefined): StepPhase {
  const outcome = job.result?.steps.find((s) => s.id === id)?.outcome
  if (outcome) return outcome
  const planned = plan?.steps.find((s) => s.id === id)?.status
  if (planned === 'done') return 'already-done'
  if (planned === 'skipped') return 'skipped'
  return 'done'
}

export function stepRows(job: JobDto<'provision'>, plan?: ProvisionPlanDto): StepRow[] {
  return PROVISION_STEPS.map((id) => {
    const item = job.items.find((i) => i.key === id)
    const title = item?.label ?? plan?.steps.find((s) => s.id === id)?.title ?? id
    const finished = job.state === 'succeeded' || (item !== undefined && item.total > 0 && item.current >= item.total)
    const percent = finished ? 100 : item && item.total > 0 ? Math.round((item.current / item.total) * 100) : 0
    let phase: StepPhase = 'waiting'
    if (finished) phase = finishedPhase(id, job, plan)
    else if (job.step === title) phase = job.state === 'running' ? 'running' : job.state === 'cancelled' ? 'cancelled' : 'failed'
    return { id, title, phase, percent }
  })
}

/** 0–100 for the overall bar. */
export function overallPercent(job: JobDto<'provision'>): number {
  if (job.state === 'succeeded') return 100
  if (job.progress !== undefined) return Math.round(Math.min(Math.max(job.progress, 0), 1) * 100)
  const done = job.items.filter((i) => i.total > 0 && i.current >= i.total).length
  return Math.round((done / PROVISION_STEPS.length) * 100)
}
