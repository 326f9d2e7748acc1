// The apps, terminal and jobs methods of the contract, bound to the AppsService.

import type { appsContract } from '../../../shared/apps-contract.js'
import type { CoreHandlers } from '../../../shared/contract.js'
import { HomeportError } from '../../../shared/errors.js'
import type { JobRunner } from '../jobs/job-runner.js'
import type { AppsService } from './apps-service.js'

type AppsHandlers = Pick<CoreHandlers, keyof typeof appsContract>

export function appsHandlers(deps: {
  apps: AppsService
  jobs: JobRunner
  idOf: (idOrName: string) => string
  setMirror: (serverId: string, mirror: string | null) => void
  getMirror: (serverId: string) => string | null
}): AppsHandlers {
  const { apps, jobs, idOf } = deps
  return {
    'apps.catalog': ({ catalog }) => apps.catalog(catalog),
    'apps.plan': ({ serverId, source, name, values }) => apps.plan(idOf(serverId), source, name, values),
    'apps.install': ({ serverId, source, name, values }) => apps.install(idOf(serverId), source, name, values),
    'apps.list': ({ serverId }) => apps.list(idOf(serverId)),
    'apps.start': ({ serverId, app }) => apps.lifecycle(idOf(serverId), app, 'start'),
    'apps.stop': ({ serverId, app }) => apps.lifecycle(idOf(serverId), app, 'stop'),
    'apps.restart': ({ serverId, app }) => apps.lifecycle(idOf(serverId), app, 'restart'),
    'apps.update': ({ serverId, app, values, verifyTimeoutMs }) => apps.update(idOf(serverId), app, values, verifyTimeoutMs),
    'apps.remove': ({ serverId, app, volumes, confirm }) => apps.remove(idOf(serverId), app, volumes, confirm),
    'apps.settings': async ({ serverId, app }) => apps.settings(idOf(serverId), app),
    'apps.logs': ({ serverId, app, service, tail, since, timestamps }) => apps.logs(idOf(serverId), app, { service, tail, since, timestamps }),
    'apps.logsFollow': async ({ serverId, app, service, tail, timestamps }, ctx) => ({
      streamId: await apps.followLogs(idOf(serverId), app, { service, tail, timestamps }, ctx.clientId),
    }),
    'apps.logsStop': async ({ streamId }) => apps.stopLogs(streamId),
    'apps.stats': ({ serverId, app }) => apps.stats(idOf(serverId), app),
    'apps.open': ({ serverId, app }) => apps.open(idOf(serverId), app),
    'apps.closeForward': ({ serverId, app }) => apps.closeForward(idOf(serverId), app),
    'apps.setMirror': async ({ serverId, mirror }) => deps.setMirror(idOf(serverId), mirror),
    'apps.getMirror': async ({ serverId }) => deps.getMirror(idOf(serverId)),

    'terminal.open': async ({ serverId, app, service, cols, rows, command }, ctx) => ({
      terminalId: await apps.openTerminal(idOf(serverId), app, service, { cols, rows }, ctx.clientId, command),
    }),
    'terminal.input': async ({ terminalId, data }) => apps.terminals.input(terminalId, data),
    'terminal.resize': ({ terminalId, cols, rows }) => apps.terminals.resize(terminalId, cols, rows),
    'terminal.close': async ({ terminalId }) => apps.terminals.close(terminalId),

    'jobs.list': async () => jobs.list(),
    'jobs.get': async ({ id }) => {
      const job = jobs.get(id)
      if (!job) throw new HomeportError('NOT_FOUND', `No job ${id}.`, { hint: 'Jobs are kept while Homeport runs.' })
      return job
    },
    'jobs.cancel': async ({ id }) => jobs.cancel(id),
  }
}
