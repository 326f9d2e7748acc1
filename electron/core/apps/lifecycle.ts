// Installed apps: listed (Compose labels plus the folders Homeport wrote), started, stopped, restarted and
// removed. Each change is an `apps.changed` event; stopping or removing an app closes its forward.

import { posix } from 'node:path'
import type { AppChangedEvent, AppDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { COMPOSE_FILE } from '../compose/engine/container-spec.js'
import type { EventSink, SecretStore } from '../runtime/types.js'
import { appSecretAccount } from '../secrets/accounts.js'
import { getApp, listApps, removeAppResources, restartApp, startApp, stopApp, type AppMeta } from './app-containers.js'
import { META_FILE, readMeta } from './app-definitions.js'
import { appDir, listAppDirs } from './app-paths.js'
import { appServer, type AppServer, type ServerAccess } from './app-server.js'
import type { Forwards } from './forwards.js'

export interface LifecycleDeps {
  servers: ServerAccess
  forwards: Pick<Forwards, 'close'>
  secrets: SecretStore
  events: EventSink
}

const ACTIONS = {
  start: { run: startApp, change: 'started' },
  stop: { run: stopApp, change: 'stopped' },
  restart: { run: restartApp, change: 'restarted' },
} as const

/** What homeport.json says of each app Homeport installed (catalog id, web page). */
async function readMetas(server: AppServer): Promise<(app: string) => AppMeta | undefined> {
  const metas = new Map<string, AppMeta>()
  await Promise.all(
    (await listAppDirs(server.session, server.facts)).map(async (name) => {
      const m = await readMeta(server.session, server.facts, name)
      if (m) metas.set(name, { catalogId: m.catalogId, web: m.web })
    }),
  )
  return (app) => metas.get(app)
}

export class AppLifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  async list(serverId: string): Promise<AppDto[]> {
    const server = await appServer(this.deps.servers, serverId)
    return listApps(server, await readMetas(server))
  }

  async get(serverId: string, app: string): Promise<AppDto> {
    const server = await appServer(this.deps.servers, serverId)
    return getApp(server, app, await readMetas(server))
  }

  async run(serverId: string, app: string, action: keyof typeof ACTIONS): Promise<AppDto> {
    await ACTIONS[action].run(await this.deps.servers.docker(serverId), app)
    if (action === 'stop') await this.deps.forwards.close(serverId, app, 'stopped')
    this.changed({ serverId, app, change: ACTIONS[action].change })
    return this.get(serverId, app)
  }

  private changed(event: AppChangedEvent): void {
    this.deps.events.emit('apps.changed', event)
  }

  async remove(serverId: string, app: string, volumes: boolean, confirm?: string): Promise<void> {
    if (volumes && confirm !== app) {
      throw new HomeportError('INVALID_INPUT', `Deleting the data of "${app}" needs confirmation.`, { hint: `Repeat the app name as confirmation (\`--confirm ${app}\`); this deletes its volumes and folder for good.` })
    }
    const server = await appServer(this.deps.servers, serverId)
    await getApp(server, app, () => undefined)
    await this.deps.forwards.close(serverId, app, 'removed')
    const { session, facts } = server
    const secretNames = ((await readMeta(session, facts, app))?.variables ?? []).filter((v) => v.secret).map((v) => v.name)
    await removeAppResources(await server.docker(), app, volumes)
    const dir = appDir(facts, app)
    // Without --volumes the data and .env stay, so a reinstall finds the same passwords; only the compose file goes.
    const res = await session.exec(volumes ? ['rm', '-rf', '--', dir] : ['rm', '-f', '--', posix.join(dir, COMPOSE_FILE), posix.join(dir, META_FILE)])
    if (res.code !== 0) throw new HomeportError('INTERNAL', `Could not remove the files of "${app}" on the server.`, { details: res.stderr })
    // Generated passwords go with the data they protect; kept data keeps its passwords.
    if (volumes) for (const name of secretNames) await this.deps.secrets.delete(appSecretAccount(serverId, app, name))
    this.changed({ serverId, app, change: 'removed' })
  }
}
