import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { BuildWhere, DeployConfigInput, DeployHistoryDto, DeployProjectDto, JobDto, LocalEngineDto, MethodOutput } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'
import { runAsync, type AsyncState } from '../../ui/use-async.js'
import { useJobsStore } from '../jobs/store.js'

export interface ServerDeployState extends AsyncState {
  loaded: boolean
  /** Deployed apps with their kept versions, by app name. */
  apps: DeployHistoryDto[]
  /** The job of the last deploy of a folder started from this window. */
  deployJob?: string
  /** The job of the last rollback per app started from this window. */
  rollbackJobs: Record<string, string>
}

/** A server's deployed apps and their versions, deploys of a folder and rollbacks, each a `deploy` job. */
export const useDeployStore = defineStore('deploy', () => {
  const api = useApi()
  const jobs = useJobsStore()
  const byServer = ref<Record<string, ServerDeployState>>({})

  function of(serverId: string): ServerDeployState {
    let entry = byServer.value[serverId]
    if (!entry) {
      byServer.value[serverId] = { loaded: false, loading: false, apps: [], rollbackJobs: {} }
      entry = byServer.value[serverId]
    }
    return entry
  }

  async function load(serverId: string, options: { keepError?: boolean } = {}): Promise<void> {
    const entry = of(serverId)
    const apps = await runAsync(entry, () => api.call('deploy.list', { serverId }), options)
    if (!apps) return
    entry.apps = [...apps].sort((a, b) => a.app.localeCompare(b.app))
    entry.loaded = true
  }

  function project(dir: string): Promise<DeployProjectDto> {
    return api.call('deploy.project', { dir })
  }

  /** Writes homeport.yml (and a minimal Dockerfile when asked); throws the core's error for the form. */
  function init(dir: string, config: DeployConfigInput, dockerfile: boolean): Promise<MethodOutput<'deploy.init'>> {
    return api.call('deploy.init', { dir, config, dockerfile, overwrite: false })
  }

  /** Starts the deploy of a folder; once the job ends, the deployed apps of its server are read again. */
  async function deploy(pageServerId: string, dir: string, build?: BuildWhere): Promise<{ job: JobDto; serverId: string; app: string }> {
    const { jobId, serverId, app } = await api.call('deploy.run', { dir, ...(build ? { build } : {}) })
    of(pageServerId).deployJob = jobId
    jobs.onFinished(jobId, () => void load(serverId, { keepError: true }))
    return { job: await jobs.track(jobId), serverId, app }
  }

  /** This computer's Docker engine, for a build here. */
  function localEngine(): Promise<LocalEngineDto> {
    return api.call('deploy.localEngine', {})
  }

  function deployJob(serverId: string): JobDto | undefined {
    return jobs.get(of(serverId).deployJob)
  }

  /** Starts the switch back to a kept version; once the job ends, the list is read again. */
  async function rollback(serverId: string, app: string, version: string): Promise<JobDto> {
    const { jobId } = await api.call('deploy.rollback', { serverId, app, version })
    of(serverId).rollbackJobs[app] = jobId
    jobs.onFinished(jobId, () => void load(serverId, { keepError: true }))
    return jobs.track(jobId)
  }

  function rollbackJob(serverId: string, app: string): JobDto | undefined {
    return jobs.get(of(serverId).rollbackJobs[app])
  }

  return { byServer, of, load, project, init, deploy, localEngine, deployJob, rollback, rollbackJob }
})
