// The apps part of the contract. The server is named by id or name (the CLI passes names): it is resolved
// here, once per call, and the services below take ids.

import type { appsContract } from '../../../shared/contract/apps.js'
import type { HandlersFor } from '../../../shared/contract/index.js'
import { envFileValues } from '../compose/dotenv.js'
import { appStats } from './app-stats.js'
import { composeFiles } from './compose-files.js'
import type { ServerAccess } from './app-server.js'
import type { Catalogs } from './catalog/catalogs.js'
import type { Forwards } from './forwards.js'
import type { InstallService } from './install-service.js'
import type { AppLifecycle } from './lifecycle.js'
import type { LogStreams } from './log-streams.js'
import type { RegistryMirrors } from './registry-mirrors.js'
import { settingsForm } from './settings-form.js'

/** A .env file given with the call (`homeport apps plan --env-file`) under the explicit values; read before anything connects. */
function withEnvFile(values: Record<string, string>, envFile?: { name: string; text: string }): Record<string, string> {
  return envFile ? { ...envFileValues(envFile.text, envFile.name), ...values } : values
}

export function appsHandlers(deps: {
  idOf: (idOrName: string) => string
  servers: ServerAccess
  catalogs: Catalogs
  install: InstallService
  lifecycle: AppLifecycle
  logs: LogStreams
  forwards: Forwards
  mirrors: RegistryMirrors
}): HandlersFor<typeof appsContract> {
  const { idOf, install, lifecycle, logs, forwards, mirrors } = deps
  return {
    'apps.catalog': ({ catalog }) => deps.catalogs.list(catalog),
    'apps.plan': ({ serverId, source, name, values, envFile }) => {
      const given = withEnvFile(values, envFile)
      return install.plan(idOf(serverId), source, name, given)
    },
    'apps.install': ({ serverId, source, name, values, envFile, acceptHostAccess }) => {
      const given = withEnvFile(values, envFile)
      return install.install(idOf(serverId), source, name, given, acceptHostAccess)
    },
    'apps.update': ({ serverId, app, values, compose, env, buildDir, verifyTimeoutMs, acceptHostAccess }) =>
      install.update(idOf(serverId), app, values, verifyTimeoutMs, acceptHostAccess, { compose, env, buildDir }),
    'apps.list': ({ serverId }) => lifecycle.list(idOf(serverId)),
    'apps.start': ({ serverId, app }) => lifecycle.run(idOf(serverId), app, 'start'),
    'apps.stop': ({ serverId, app }) => lifecycle.run(idOf(serverId), app, 'stop'),
    'apps.restart': ({ serverId, app }) => lifecycle.run(idOf(serverId), app, 'restart'),
    'apps.remove': ({ serverId, app, volumes, confirm }) => lifecycle.remove(idOf(serverId), app, volumes, confirm),
    'apps.settings': ({ serverId, app }) => settingsForm(deps.servers, idOf(serverId), app),
    'apps.composeFiles': ({ serverId, app }) => composeFiles(deps.servers, idOf(serverId), app),
    'apps.logs': ({ serverId, app, service, tail, since, timestamps }) => logs.read(idOf(serverId), app, { service, tail, since, timestamps }),
    'apps.logsFollow': ({ serverId, app, service, tail, timestamps, follow, after }, ctx) =>
      logs.follow(idOf(serverId), app, { service, tail, timestamps, follow, after }, ctx.clientId),
    'apps.logsStop': async ({ streamId }) => logs.stop(streamId),
    'apps.stats': async ({ serverId, app }) => appStats(await deps.servers.docker(idOf(serverId)), app),
    'apps.open': ({ serverId, app }) => forwards.get(idOf(serverId), app),
    'apps.closeForward': ({ serverId, app }) => forwards.close(idOf(serverId), app),
    'apps.setMirror': async ({ serverId, mirror }) => mirrors.set(idOf(serverId), mirror),
    'apps.getMirror': async ({ serverId }) => mirrors.get(idOf(serverId)) ?? null,
  }
}
