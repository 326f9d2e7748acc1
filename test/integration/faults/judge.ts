// How one faulted run is judged. A run that failed must leave the app exactly as it was (containers by id,
// image and configuration, networks, volumes, folder bytes, no journal left) — and a message that says
// "rolled back" must be true. A run that succeeded must leave the whole app running and nothing moved aside.

import type { JobDto } from '../../../shared/contract/index.js'
import type { AppState, Outcome } from './fault-state.js'
import { stateDifferences } from './fault-state.js'

export interface Verdict {
  outcome: Outcome
  note?: string
}

/** A finished app: every service running, one network and one volume of its own, its files, nothing aside. */
export function installedProblems(app: string, state: AppState, services: string[]): string[] {
  const out: string[] = []
  const running = state.containers.filter((c) => c.split(' ')[1] === 'running').map((c) => c.split(' ')[0])
  for (const s of services) if (!running.includes(`${app}-${s}-1`)) out.push(`${app}-${s}-1 is not running`)
  if (state.containers.length !== services.length) out.push(`containers: ${state.containers.join(', ')}`)
  if (state.networks.join() !== `${app}_default`) out.push(`networks: ${state.networks.join(', ')}`)
  if (!state.folder?.['compose.yml'] || !state.folder['.env']) out.push('compose.yml or .env missing')
  if (state.journal) out.push('a journal is left in the folder')
  return out
}

export function judge(app: string, before: AppState, after: AppState, job: JobDto | undefined, services: string[]): Verdict {
  if (!job) return { outcome: 'hang', note: 'the job did not end' }
  if (job.state === 'succeeded') {
    const problems = installedProblems(app, after, services)
    return problems.length ? { outcome: 'leftovers', note: `succeeded but ${problems.join('; ')}` } : { outcome: 'clean' }
  }
  const differences = stateDifferences(before, after)
  if (!differences.length) return { outcome: 'clean', note: `${job.error?.code}: ${job.error?.message}` }
  const lie = /rolled back/i.test(job.error?.message ?? '') && !/not be rolled back|could not reach|finishes the rollback/i.test(job.error?.message ?? '')
  return { outcome: 'leftovers', note: `${lie ? 'said rolled back, yet ' : ''}${differences.join('; ')} (${job.error?.code}: ${job.error?.message})` }
}
