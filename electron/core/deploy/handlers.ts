// The deploy part of the contract; the CLI and the window reach the same calls through here.

import type { deployContract } from '../../../shared/contract/deploy.js'
import type { HandlersFor } from '../../../shared/contract/index.js'
import { localEngineInfo } from '../docker/local-engine.js'
import type { DeployDomain } from './deploy-domain.js'
import { initProject } from './project-folder.js'

export function deployHandlers(d: DeployDomain): HandlersFor<typeof deployContract> {
  return {
    'deploy.project': async ({ dir }) => d.project(dir),
    'deploy.init': async ({ dir, config, dockerfile, overwrite }) => initProject(dir, config, { dockerfile, overwrite }),
    'deploy.run': async ({ dir, build }) => d.startDeploy(dir, build),
    'deploy.localEngine': async () => localEngineInfo(),
    'deploy.rollback': async ({ serverId, app, version }) => d.startRollback(serverId, app, version),
    'deploy.history': async ({ serverId, app }) => d.history(serverId, app),
    'deploy.list': async ({ serverId }) => d.list(serverId),
  }
}
