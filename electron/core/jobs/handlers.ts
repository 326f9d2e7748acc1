// The jobs part of the contract: list, follow and cancel long work of any kind.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { jobsContract } from '../../../shared/contract/jobs.js'
import { HomeportError } from '../../../shared/errors.js'
import type { JobRunner } from './job-runner.js'

export function jobsHandlers(deps: { jobs: JobRunner; idOf: (idOrName: string) => string }): HandlersFor<typeof jobsContract> {
  const { jobs } = deps
  return {
    'jobs.list': async ({ serverId, limit }) => jobs.list({ ...(serverId ? { serverId: deps.idOf(serverId) } : {}), limit }),
    'jobs.get': async ({ id }) => {
      const job = jobs.get(id)
      if (!job) throw new HomeportError('NOT_FOUND', `No job ${id}.`, { hint: 'See `jobs.list` for the jobs Homeport remembers.' })
      return job
    },
    'jobs.cancel': async ({ id }) => jobs.cancel(id),
  }
}
