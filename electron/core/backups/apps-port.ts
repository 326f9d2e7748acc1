// What the backups domain asks of the apps domain, through the contract's own calls (create-core wires
// them), so a backup stops and starts an app exactly as the window's Stop and Start do.

import type { AppDto } from '../../../shared/contract/apps.js'
import type { CoreHandlers } from '../../../shared/contract/index.js'
import type { JobRunner } from '../jobs/job-runner.js'

export interface AppsPort {
  get(serverId: string, app: string): Promise<AppDto | undefined>
  stop(serverId: string, app: string): Promise<void>
  start(serverId: string, app: string): Promise<void>
  /** Creates the app's containers again from its installed compose file (after they were removed). */
  recreate(serverId: string, app: string): Promise<void>
  /** Installs a compose file as a new app (a clone); resolves once it runs. */
  install(serverId: string, app: string, compose: string, env: string | undefined): Promise<void>
}

type AppsHandlers = Pick<CoreHandlers, 'apps.list' | 'apps.stop' | 'apps.start' | 'apps.update' | 'apps.install'>

const CALLER = { clientId: 'backups' }

/** The port over the apps domain's handlers; install and update are jobs, waited for here. */
export function appsPortOver(handlers: () => Promise<AppsHandlers>, jobs: Pick<JobRunner, 'wait'>): AppsPort {
  return {
    get: async (serverId, app) => (await (await handlers())['apps.list']({ serverId }, CALLER)).find((a) => a.name === app),
    stop: async (serverId, app) => void (await (await handlers())['apps.stop']({ serverId, app }, CALLER)),
    start: async (serverId, app) => void (await (await handlers())['apps.start']({ serverId, app }, CALLER)),
    recreate: async (serverId, app) => {
      const { jobId } = await (await handlers())['apps.update']({ serverId, app }, CALLER)
      await jobs.wait(jobId)
    },
    install: async (serverId, app, compose, env) => {
      const { jobId } = await (await handlers())['apps.install']({ serverId, name: app, source: { compose, ...(env !== undefined ? { env } : {}) }, values: {} }, CALLER)
      await jobs.wait(jobId)
    },
  }
}
