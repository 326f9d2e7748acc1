// The backups domain as the core assembles it: per server, its session (for the backup config on the
// server), its Docker API (for restic's containers), the keychain, jobs, and the apps domain through the
// contract. Long work (a backup, a restore) runs as a job; the rest answers directly.

import type { BackupJobResult, PolicyDto, RestoreJobResult, SnapshotDto } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import type { Docker } from '../docker/docker-access.js'
import type { JobResults } from '../../../shared/contract/jobs.js'
import type { JobContext, JobRunner } from '../jobs/job-runner.js'
import type { SecretStore } from '../runtime/types.js'
import type { AppsPort } from './apps-port.js'
import type { HomeportTargets } from './homeport-repository.js'
import { changeBackupConfig, findRepository, readBackupConfig } from './backup-config.js'
import { runBackup } from './backup-run.js'
import { runDrill } from './drill-run.js'
import type { BackupServer } from './restic-call.js'
import { DEFAULT_RESTIC_IMAGE, RESTIC_IMAGE_SETTING } from './restic-container.js'
import { pickedPaths, runRestore, type RestoreRequest } from './restore-run.js'
import { hasPassword } from './repository-access.js'
import { recordScheduledDrills } from './schedule-watch.js'
import { listSnapshots } from './snapshots.js'

export interface BackupsDeps {
  session(serverId: string): Promise<SshSession>
  docker(serverId: string): Promise<Docker>
  serverName(serverId: string): string
  idOf(idOrName: string): string
  jobs: JobRunner
  secrets: SecretStore
  setting(key: string): unknown
  apps: AppsPort
  /** The other servers added in Homeport, for repositories on them. */
  targets: HomeportTargets
}

export class BackupsDomain {
  /** One backup or restore per app at a time on this computer. */
  private readonly busy = new Set<string>()

  constructor(readonly deps: BackupsDeps) {}

  async server(idOrName: string): Promise<{ srv: BackupServer; session: SshSession }> {
    const serverId = this.deps.idOf(idOrName)
    const image = this.deps.setting(RESTIC_IMAGE_SETTING)
    const [session, docker] = await Promise.all([this.deps.session(serverId), this.deps.docker(serverId)])
    return { session, srv: { serverId, server: this.deps.serverName(serverId), docker, image: typeof image === 'string' && image ? image : DEFAULT_RESTIC_IMAGE, secrets: this.deps.secrets } }
  }

  async setPolicy(idOrName: string, policy: PolicyDto): Promise<PolicyDto> {
    const { srv, session } = await this.server(idOrName)
    return changeBackupConfig(session, (c) => {
      findRepository(c, policy.repository, srv.server)
      c.policies = [...c.policies.filter((p) => p.app !== policy.app), policy].sort((a, b) => a.app.localeCompare(b.app))
      return policy
    })
  }

  async removePolicy(idOrName: string, app: string): Promise<void> {
    const { session } = await this.server(idOrName)
    await changeBackupConfig(session, (c) => {
      c.policies = c.policies.filter((p) => p.app !== app)
    })
  }

  async policies(idOrName: string): Promise<PolicyDto[]> {
    const { session } = await this.server(idOrName)
    return recordScheduledDrills(session)
  }

  async snapshots(idOrName: string, app?: string, repository?: string): Promise<SnapshotDto[]> {
    const { srv, session } = await this.server(idOrName)
    const config = await readBackupConfig(session)
    const names = repository ? [repository] : app ? [config.policies.find((p) => p.app === app)?.repository].filter((n): n is string => Boolean(n)) : config.repositories.map((r) => r.name)
    if (app && !names.length) throw new HomeportError('NOT_FOUND', `"${app}" on ${srv.server} has no backup policy, so Homeport does not know its repository.`, { hint: 'Choose the repository to look in.', cliHint: 'Name the repository (--repo REPO).' })
    // Listing every repository skips those whose password this computer does not hold (added from another one).
    const readable = repository || app ? names : (await Promise.all(names.map(async (n) => ((await hasPassword(srv, n)) ? n : undefined)))).filter((n): n is string => Boolean(n))
    const lists = await Promise.all(readable.map((n) => listSnapshots(srv, findRepository(config, n, srv.server), app)))
    return lists.flat().sort((a, b) => b.time.localeCompare(a.time))
  }

  startBackup(idOrName: string, app: string): { jobId: string } {
    const serverId = this.deps.idOf(idOrName)
    return this.exclusive(serverId, app, 'backup', `Back up ${app} on ${this.deps.serverName(serverId)}`, async (ctx): Promise<BackupJobResult> => {
      const { srv, session } = await this.server(serverId)
      return runBackup(srv, session, this.deps.apps, app, ctx)
    })
  }

  async startRestore(idOrName: string, req: RestoreRequest & { confirm?: string }): Promise<{ jobId: string }> {
    const serverId = this.deps.idOf(idOrName)
    if (req.toLocal && req.paths?.length) {
      throw new HomeportError('INVALID_INPUT', 'A download to this computer takes one file or folder of the snapshot.', { hint: 'Pick one file or folder to download.', cliHint: 'Give one --path with --to-local.' })
    }
    if (req.toLocal && (!req.path || req.as)) {
      throw new HomeportError('INVALID_INPUT', req.as ? 'A download to this computer cannot also be a clone.' : 'A download to this computer needs the path of the file or folder in the snapshot.', {
        hint: 'Choose one file or folder of the snapshot to download.',
        cliHint: req.as ? 'Give --to-local or --as, not both.' : 'Add --path /backup/volumes/VOLUME/some/file (see `homeport backups diff` or the snapshot listing for paths).',
      })
    }
    const picked = pickedPaths(req)
    if (!req.as && !req.toLocal && req.confirm !== req.app) {
      throw new HomeportError('INVALID_INPUT', `Restoring into "${req.app}" replaces ${picked ? picked.join(', ') : 'the contents of its volumes and folders'} with the snapshot's; it needs the app name repeated to confirm.`, {
        hint: 'Type the app name to confirm, or restore it as a new app.',
        cliHint: `Confirm with --yes (or type the app name when asked), or restore as a new app (\`--as NAME\`).`,
      })
    }
    if (req.as && (await this.deps.apps.get(serverId, req.as))) {
      throw new HomeportError('ALREADY_EXISTS', `There is already an app named "${req.as}" on ${this.deps.serverName(serverId)}.`, { hint: 'Choose another name for the clone.' })
    }
    const title = req.as ? `Restore ${req.app} as ${req.as} on ${this.deps.serverName(serverId)}` : `Restore ${req.app} on ${this.deps.serverName(serverId)}`
    return this.exclusive(serverId, req.as ?? req.app, 'restore', req.toLocal ? `Download ${req.path} from a snapshot of ${req.app} on ${this.deps.serverName(serverId)}` : title, async (ctx): Promise<RestoreJobResult> => {
      const { srv, session } = await this.server(serverId)
      return runRestore(srv, session, this.deps.apps, req, ctx)
    })
  }

  startDrill(idOrName: string, app: string): { jobId: string } {
    const serverId = this.deps.idOf(idOrName)
    return this.exclusive(serverId, app, 'drill', `Restore drill of ${app} on ${this.deps.serverName(serverId)}`, async (ctx) => {
      const { srv, session } = await this.server(serverId)
      return runDrill(srv, session, app, ctx)
    })
  }

  private exclusive<K extends 'backup' | 'restore' | 'drill'>(serverId: string, app: string, kind: K, title: string, work: (ctx: JobContext) => Promise<JobResults[K]>): { jobId: string } {
    const key = `${serverId}/${app}`
    if (this.busy.has(key)) throw new HomeportError('APP_BUSY', `A backup or restore of "${app}" is already running.`, { hint: 'Wait for it to finish (see the jobs list), then try again.' })
    this.busy.add(key)
    const job = this.deps.jobs.start({ kind, title, serverId, app }, work)
    void job.done.finally(() => this.busy.delete(key)).catch(() => {})
    return { jobId: job.id }
  }
}

