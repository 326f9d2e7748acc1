import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { JobDto, MethodInput, PolicyDto, RepositoryDto, RepositorySizeDto, RepositoryTargetInput, RetentionDto, ScheduleDto, SnapshotDto, SnapshotListingDto } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'
import { runAsync, type AsyncState } from '../../ui/use-async.js'
import { useJobsStore } from '../jobs/store.js'

export type BackupJobKind = 'backup' | 'restore' | 'drill'
export type BackupJob = JobDto<BackupJobKind>
const KINDS: readonly string[] = ['backup', 'restore', 'drill']

export interface ServerBackupsState extends AsyncState {
  loaded: boolean
  repositories: RepositoryDto[]
  policies: PolicyDto[]
  /** The snapshots last listed, newest first, and which app/repository they were listed for. */
  snapshots: SnapshotDto[]
  snapshotsFor: { app?: string; repository?: string }
  snapshotsState: AsyncState
  /** Sizes measured on request (each one runs restic on the server). */
  sizes: Record<string, RepositorySizeDto>
  /** Each app's schedule on the server, once read (null: none). */
  schedules: Record<string, ScheduleDto | null>
}

export type RestoreInput = Omit<MethodInput<'backups.restore'>, 'serverId'>
export type ScheduleInput = Omit<MethodInput<'backups.scheduleSet'>, 'serverId' | 'app'>

function isBackupJob(job: JobDto): job is BackupJob {
  return KINDS.includes(job.kind)
}

/** A server's backup repositories, each app's policy, snapshots, and the backup, restore and drill jobs. */
export const useBackupsStore = defineStore('backups', () => {
  const api = useApi()
  const jobs = useJobsStore()
  const byServer = ref<Record<string, ServerBackupsState>>({})

  function of(serverId: string): ServerBackupsState {
    let entry = byServer.value[serverId]
    if (!entry) {
      byServer.value[serverId] = { repositories: [], policies: [], snapshots: [], snapshotsFor: {}, snapshotsState: { loading: false }, sizes: {}, schedules: {}, loading: false, loaded: false }
      entry = byServer.value[serverId]
    }
    return entry
  }

  // The jobs store follows `job.update`; the backup jobs of a server are read from it, newest first.
  const allJobs = computed(() => Object.values(jobs.byId).filter(isBackupJob).sort((a, b) => b.startedAt.localeCompare(a.startedAt)))

  function jobsOf(serverId: string, app?: string, kind?: BackupJobKind): BackupJob[] {
    return allJobs.value.filter((j) => j.serverId === serverId && (!kind || j.kind === kind) && (!app || appOf(j) === app))
  }

  /** The app a job is about: the core names it on the job (a clone's restore: the clone), else its result does. */
  function appOf(job: BackupJob): string | undefined {
    return job.app ?? job.result?.app
  }

  // The last job this window started per app: its bar stays up after it ended, showing how it went.
  const started = ref<Record<string, string>>({})

  /** What an app's row shows: a job running on it (from here, the CLI or another window), else the last one started here. */
  function activeJob(serverId: string, app: string): BackupJob | undefined {
    const here = jobs.get(started.value[`${serverId}/${app}`])
    const elsewhere = jobsOf(serverId, app).find((j) => j.state === 'running')
    return elsewhere ?? (here && isBackupJob(here) ? here : undefined)
  }

  async function load(serverId: string, options: { keepError?: boolean } = {}): Promise<void> {
    const entry = of(serverId)
    const loaded = await runAsync(entry, () => Promise.all([api.call('backups.repoList', { serverId }), api.call('backups.policyList', { serverId }), api.call('jobs.list', { serverId, limit: 200 })]), options)
    if (!loaded) return
    ;[entry.repositories, entry.policies] = loaded
    for (const job of loaded[2]) if (isBackupJob(job)) jobs.put(job)
    entry.loaded = true
  }

  function policyOf(serverId: string, app: string): PolicyDto | undefined {
    return of(serverId).policies.find((p) => p.app === app)
  }

  async function addRepository(serverId: string, name: string, target: RepositoryTargetInput, password?: string): Promise<{ repository: RepositoryDto; generatedPassword?: string }> {
    const added = await api.call('backups.repoAdd', { serverId, name, target, ...(password ? { password } : {}) })
    const entry = of(serverId)
    entry.repositories = [...entry.repositories.filter((r) => r.name !== name), added.repository]
    return added
  }

  /** The server's backup SSH public key (made on first use), for authorized_keys on an SFTP host. */
  async function sshKey(serverId: string): Promise<string> {
    return (await api.call('backups.sshKey', { serverId })).publicKey
  }

  async function measureRepository(serverId: string, repository: string): Promise<RepositorySizeDto> {
    const size = await api.call('backups.repoSize', { serverId, repository })
    const entry = of(serverId)
    entry.sizes = { ...entry.sizes, [repository]: size }
    return size
  }

  async function loadSchedule(serverId: string, app: string): Promise<ScheduleDto | null> {
    const schedule = await api.call('backups.scheduleGet', { serverId, app })
    const entry = of(serverId)
    entry.schedules = { ...entry.schedules, [app]: schedule }
    return schedule
  }

  async function setSchedule(serverId: string, app: string, input: ScheduleInput): Promise<ScheduleDto> {
    const schedule = await api.call('backups.scheduleSet', { serverId, app, ...input })
    const entry = of(serverId)
    entry.schedules = { ...entry.schedules, [app]: schedule }
    return schedule
  }

  async function removeSchedule(serverId: string, app: string): Promise<void> {
    await api.call('backups.scheduleRemove', { serverId, app })
    const entry = of(serverId)
    entry.schedules = { ...entry.schedules, [app]: null }
  }

  /** One folder of a snapshot, to pick what to restore. */
  function listFolder(serverId: string, app: string, snapshot: string, path: string): Promise<SnapshotListingDto> {
    return api.call('backups.ls', { serverId, app, snapshot, path })
  }

  async function checkRepository(serverId: string, repository: string): Promise<void> {
    await api.call('backups.repoCheck', { serverId, repository })
  }

  async function removeRepository(serverId: string, repository: string, removeOnTarget = false): Promise<void> {
    await api.call('backups.repoRemove', { serverId, repository, removeOnTarget })
    const entry = of(serverId)
    entry.repositories = entry.repositories.filter((r) => r.name !== repository)
  }

  async function setPolicy(serverId: string, app: string, repository: string, consistency: 'stop' | 'hooks', retention: RetentionDto): Promise<PolicyDto> {
    const policy = await api.call('backups.policySet', { serverId, app, repository, consistency, retention })
    const entry = of(serverId)
    entry.policies = [...entry.policies.filter((p) => p.app !== app), policy]
    return policy
  }

  async function removePolicy(serverId: string, app: string): Promise<void> {
    await api.call('backups.policyRemove', { serverId, app })
    const entry = of(serverId)
    entry.policies = entry.policies.filter((p) => p.app !== app)
  }

  async function loadSnapshots(serverId: string, scope: { app?: string; repository?: string } = {}): Promise<void> {
    const entry = of(serverId)
    const list = await runAsync(entry.snapshotsState, () => api.call('backups.snapshots', { serverId, ...scope }))
    if (!list) return
    entry.snapshots = [...list].sort((a, b) => b.time.localeCompare(a.time))
    entry.snapshotsFor = scope
  }

  /** Follows a job this window started; once it ends, the policies (drill dates), jobs and snapshots are read again. */
  async function follow(serverId: string, app: string, jobId: string): Promise<string> {
    started.value = { ...started.value, [`${serverId}/${app}`]: jobId }
    await jobs.track(jobId).catch(() => undefined)
    jobs.onFinished(jobId, () => {
      void load(serverId, { keepError: true })
      void loadSnapshots(serverId, of(serverId).snapshotsFor)
    })
    return jobId
  }

  async function run(serverId: string, app: string): Promise<string> {
    const { jobId } = await api.call('backups.run', { serverId, app })
    return follow(serverId, app, jobId)
  }

  async function drill(serverId: string, app: string): Promise<string> {
    const { jobId } = await api.call('backups.drill', { serverId, app })
    return follow(serverId, app, jobId)
  }

  async function restore(serverId: string, input: RestoreInput): Promise<string> {
    const { jobId } = await api.call('backups.restore', { serverId, ...input })
    return follow(serverId, input.app, jobId)
  }

  return { byServer, of, load, jobsOf, activeJob, policyOf, sshKey, addRepository, checkRepository, measureRepository, removeRepository, setPolicy, removePolicy, loadSchedule, setSchedule, removeSchedule, loadSnapshots, listFolder, run, drill, restore }
})
