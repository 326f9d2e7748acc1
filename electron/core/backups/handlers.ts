// The backups part of the contract; the CLI and the window reach the same calls through here.

import type { backupsContract } from '../../../shared/contract/backups.js'
import type { HandlersFor } from '../../../shared/contract/index.js'
import type { BackupsDomain } from './backups-domain.js'
import { scheduleHandlers } from './schedule-handlers.js'
import { diffSnapshots } from './snapshot-diff.js'
import { listSnapshotFolder } from './snapshot-listing.js'
import { repositorySize } from './repository-size.js'
import { addHomeportRepository, removeHomeportRepository } from './homeport-repository.js'
import { addRepository, checkRepository, ensureSshKey, listRepositories } from './repositories.js'

export function backupsHandlers(b: BackupsDomain): HandlersFor<typeof backupsContract> {
  return {
    'backups.sshKey': async ({ serverId }) => ({ publicKey: await ensureSshKey((await b.server(serverId)).srv) }),
    'backups.repoAdd': async ({ serverId, name, target, password, sudoPassword }) => {
      const { srv, session } = await b.server(serverId)
      if (target.kind === 'homeport') return addHomeportRepository(srv, session, b.deps.targets, name, target, password, sudoPassword)
      return addRepository(srv, session, name, target, password)
    },
    'backups.repoList': async ({ serverId }) => listRepositories((await b.server(serverId)).session, b.deps.serverName),
    'backups.repoRemove': async ({ serverId, repository, removeOnTarget, sudoPassword }) => {
      const { srv, session } = await b.server(serverId)
      return removeHomeportRepository(srv, session, b.deps.targets, repository, removeOnTarget, sudoPassword)
    },
    'backups.repoCheck': async ({ serverId, repository }) => {
      const { srv, session } = await b.server(serverId)
      return checkRepository(srv, session, repository)
    },
    'backups.policySet': async ({ serverId, app, repository, consistency, retention }) => b.setPolicy(serverId, { app, repository, consistency, retention }),
    'backups.policyGet': async ({ serverId, app }) => (await b.policies(serverId)).find((p) => p.app === app) ?? null,
    'backups.policyList': async ({ serverId }) => b.policies(serverId),
    'backups.policyRemove': async ({ serverId, app }) => b.removePolicy(serverId, app),
    'backups.run': async ({ serverId, app }) => b.startBackup(serverId, app),
    'backups.snapshots': async ({ serverId, app, repository }) => b.snapshots(serverId, app, repository),
    'backups.drill': async ({ serverId, app }) => b.startDrill(serverId, app),
    'backups.diff': async ({ serverId, app, from, to, repository }) => {
      const { srv, session } = await b.server(serverId)
      return diffSnapshots(srv, session, { app, from, to, ...(repository ? { repository } : {}) })
    },
    'backups.restore': async ({ serverId, app, snapshot, repository, as, path, paths, confirm, toLocal }) =>
      b.startRestore(serverId, { app, snapshot, ...(repository ? { repository } : {}), ...(as ? { as } : {}), ...(path ? { path } : {}), ...(paths ? { paths } : {}), ...(confirm ? { confirm } : {}), ...(toLocal ? { toLocal } : {}) }),
    'backups.repoSize': async ({ serverId, repository }) => {
      const { srv, session } = await b.server(serverId)
      return repositorySize(srv, session, repository)
    },
    'backups.ls': async ({ serverId, app, snapshot, path, repository }) => {
      const { srv, session } = await b.server(serverId)
      return listSnapshotFolder(srv, session, { app, snapshot, path, ...(repository ? { repository } : {}) })
    },
    ...scheduleHandlers(b),
  }
}
