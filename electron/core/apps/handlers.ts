// The apps part of the contract, bound to the AppsService.

import type { appsContract } from '../../../shared/contract/apps.js'
import type { HandlersFor } from '../../../shared/contract/index.js'
import type { AppsService } from './apps-service.js'

export function appsHandlers(deps: {
  apps: AppsService
  idOf: (idOrName: string) => string
  setMirror: (serverId: string, mirror: string | null) => void
  getMirror: (serverId: string) => string | null
}): HandlersFor<typeof appsContract> {
  const { apps, idOf } = deps
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

  }
}
