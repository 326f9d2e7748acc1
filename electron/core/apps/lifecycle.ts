// Installed apps: listed (Compose labels plus the folders Homeport wrote), started, stopped, restarted and
// removed. Each change is an `apps.changed` event; stopping or removing an app closes its forward. Removing
// takes the app's lock, as installs and updates do, so it never cuts into another Homeport's run.

import { randomUUID } from 'node:crypto'
import { posix } from 'node:path'
import { APP_NAME_PATTERN, type AppChangedEvent, type AppDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { COMPOSE_FILE } from '../compose/engine/container-spec.js'
import type { EventSink, Logger, SecretStore } from '../runtime/types.js'
import { appSecretAccount } from '../secrets/accounts.js'
import type { AppRunsRepo } from '../store/app-runs-repo.js'
import { getApp, listApps, removeAppResources, restartApp, startApp, stopApp, type AppMeta, type InstalledApps } from './app-containers.js'
import { META_FILE, readMeta, type AppMetaFile } from './app-definitions.js'
import { AppLock, localHolder } from './app-lock.js'
import { appDir, appsRoot } from './app-paths.js'
import { appServer, type AppServer, type ServerAccess } from './app-server.js'
import type { Forwards } from './forwards.js'
import { finishRun } from './run-resume.js'
import { JOURNAL_FILE } from './run-journal.js'

export interface LifecycleDeps {
  servers: ServerAccess
  forwards: Pick<Forwards, 'close'>
  secrets: SecretStore
  events: EventSink
  runs: AppRunsRepo
  log: Logger
}

const ACTIONS = {
  start: { run: startApp, change: 'started' },
  stop: { run: stopApp, change: 'stopped' },
  restart: { run: restartApp, change: 'restarted' },
} as const

/** What homeport.json says of each app Homeport installed (catalog id, web page). */
async function readMetas(server: AppServer): Promise<(app: string) => AppMeta | undefined> {
  return (await readInstalled(server)).meta
}

/**
 * The installed apps' folders and each one's remembered metadata in one command (a round trip for the list,
 * where a listing and then an SFTP read per app took several). Each folder is told as a record separator,
 * its name, a newline, then its metadata file as it is.
 */
async function readInstalled(server: AppServer): Promise<InstalledApps> {
  const script = 'for d in "$1"/*/; do [ -f "$d$2" ] || continue; n=${d%/}; printf "\\036%s\\n" "${n##*/}"; cat -- "$d$3" 2>/dev/null; done; true'
  const res = await server.session.exec(['sh', '-c', script, 'sh', appsRoot(server.facts), COMPOSE_FILE, META_FILE])
  const dirs: string[] = []
  const metas = new Map<string, AppMeta>()
  for (const record of res.stdout.split('\x1e').slice(1)) {
    const newline = record.indexOf('\n')
    const name = record.slice(0, newline < 0 ? undefined : newline)
    if (!APP_NAME_PATTERN.test(name)) continue
    dirs.push(name)
    try {
      const m = JSON.parse(record.slice(newline + 1)) as AppMetaFile
      metas.set(name, { catalogId: m.catalogId, web: m.web })
    } catch {
      // no metadata (an app from a plain compose file) or a file that is not JSON: nothing remembered
    }
  }
  return { dirs, meta: (app) => metas.get(app) }
}

export class AppLifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  async list(serverId: string): Promise<AppDto[]> {
    const server = await appServer(this.deps.servers, serverId)
    // The folders and the containers are asked for together: the list costs the round trips of the slower.
    // listApps reads the metadata only once the folders (which come with it) are in.
    let meta: InstalledApps['meta'] = () => undefined
    const installed = readInstalled(server).then((found) => {
      meta = found.meta
      return found
    })
    return listApps(server, (app) => meta(app), installed)
  }

  async get(serverId: string, app: string): Promise<AppDto> {
    const server = await appServer(this.deps.servers, serverId)
    return getApp(server, app, await readMetas(server))
  }

  async run(serverId: string, app: string, action: keyof typeof ACTIONS): Promise<AppDto> {
    const server = await appServer(this.deps.servers, serverId)
    await this.locked(server, app, action, async () => ACTIONS[action].run(await server.docker(), app))
    if (action === 'stop') await this.deps.forwards.close(serverId, app, 'stopped')
    this.changed({ serverId, app, change: ACTIONS[action].change })
    return this.get(serverId, app)
  }

  /** Runs `work` holding the app's lock; a folder made only to hold it (a stack started elsewhere) goes after. */
  private async locked(server: AppServer, app: string, what: string, work: () => Promise<void>): Promise<void> {
    const lock = await AppLock.acquire(server.session, appDir(server.facts, app), localHolder(what, randomUUID()))
    try {
      await work()
    } finally {
      if (!lock.dirExisted) await lock.removeFolderIfEmpty().catch(() => undefined)
      await lock.release()
    }
  }

  private changed(event: AppChangedEvent): void {
    this.deps.events.emit('apps.changed', event)
  }

  async remove(serverId: string, app: string, volumes: boolean, confirm?: string): Promise<void> {
    if (volumes && confirm !== app) {
      throw new HomeportError('INVALID_INPUT', `Deleting the data of "${app}" needs confirmation.`, {
        hint: "Type the app's name to confirm; this deletes its volumes and folder for good.",
        cliHint: 'Run it on a terminal to be asked, or add --yes; this deletes its volumes, folder and generated passwords for good.',
      })
    }
    const server = await appServer(this.deps.servers, serverId)
    await getApp(server, app, () => undefined)
    const { session, facts } = server
    const dir = appDir(facts, app)
    const lock = await AppLock.acquire(session, dir, localHolder('remove', randomUUID()))
    try {
      // An interrupted run is finished first, so what it changed is not left behind without its journal.
      await finishRun(server, dir, { runs: this.deps.runs, log: this.deps.log, events: this.deps.events }, lock)
      await this.deps.forwards.close(serverId, app, 'removed')
      const secretNames = ((await readMeta(session, facts, app))?.variables ?? []).filter((v) => v.secret).map((v) => v.name)
      await removeAppResources(await server.docker(), app, volumes)
      // Without --volumes the data and .env stay, so a reinstall finds the same passwords; only the compose file
      // goes. A stack started elsewhere had no folder: the one made for the lock goes too, once empty.
      const res = await session.exec(volumes ? ['rm', '-rf', '--', dir] : ['rm', '-f', '--', posix.join(dir, COMPOSE_FILE), posix.join(dir, META_FILE), posix.join(dir, JOURNAL_FILE)])
      if (res.code !== 0) throw new HomeportError('INTERNAL', `Could not remove the files of "${app}" on the server.`, { details: res.stderr })
      if (!volumes && !lock.dirExisted) await lock.removeFolderIfEmpty()
      if (volumes) for (const name of secretNames) await this.deps.secrets.delete(appSecretAccount(serverId, app, name))
    } finally {
      await lock.release()
    }
    this.changed({ serverId, app, change: 'removed' })
  }
}
