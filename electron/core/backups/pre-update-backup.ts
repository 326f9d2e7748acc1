// A backup before an app's update, inside the update's job: the update holds the app's lock, so the app is
// stopped and started here by its containers directly (as a schedule on the server does), not through the
// apps domain's Stop and Start, which would wait for that lock.

import type { AppDto } from '../../../shared/contract/apps.js'
import type { SshSession } from '../connection/types.js'
import { LABEL } from '../compose/engine/container-spec.js'
import type { Docker } from '../docker/docker-access.js'
import type { JobContext } from '../jobs/job-runner.js'
import type { AppsPort } from './apps-port.js'
import { readBackupConfig } from './backup-config.js'
import { runBackup } from './backup-run.js'
import type { BackupServer } from './restic-call.js'

function containersPort(docker: Docker): AppsPort {
  let stopped: string[] = []
  const running = async (app: string) => docker.listContainers({ filters: { label: [`${LABEL.project}=${app}`] } })
  return {
    // runBackup asks only whether the app runs.
    get: async (_serverId, app) => ({ name: app, state: (await running(app)).length ? 'running' : 'stopped' }) as AppDto,
    stop: async (_serverId, app) => {
      stopped = (await running(app)).map((c) => c.Id)
      for (const id of stopped) await docker.getContainer(id).stop()
    },
    start: async () => {
      for (const id of stopped) await docker.getContainer(id).start()
    },
    recreate: () => Promise.reject(new Error('not used before an update')),
    install: () => Promise.reject(new Error('not used before an update')),
  }
}

/** The snapshot taken, or undefined when the app has no backup policy. */
export async function snapshotBeforeUpdate(srv: BackupServer, session: SshSession, app: string, ctx: JobContext): Promise<{ snapshotId: string; repository: string } | undefined> {
  if (!(await readBackupConfig(session)).policies.some((p) => p.app === app)) return undefined
  // An app whose containers are gone (a restore recreating them) has nothing running to back up.
  if (!(await srv.docker.listContainers({ all: true, filters: { label: [`${LABEL.project}=${app}`] } })).length) {
    ctx.log(`${app} has no containers, so there is nothing to back up before the update.`)
    return undefined
  }
  ctx.step(`Backing up ${app} before the update`)
  const result = await runBackup(srv, session, containersPort(srv.docker), app, ctx)
  ctx.log(`Backed up ${app} before the update: snapshot ${result.snapshotId} in repository ${result.repository}.`)
  return { snapshotId: result.snapshotId, repository: result.repository }
}
