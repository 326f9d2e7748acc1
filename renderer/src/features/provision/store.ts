import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AgentHelloDto, AgentStatusDto, JobDto, ProvisionPlanDto } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'
import { runAsync, type AsyncState } from '../../ui/use-async.js'
import { useJobsStore } from '../jobs/store.js'
import { useServersStore } from '../servers/store.js'

/** What the agent says about a server, and whether the agent there is this app's version. */
export interface ServerFacts extends AsyncState {
  hello?: AgentHelloDto
  status?: AgentStatusDto
}

export interface SetupOptions {
  /** One of the user's own private keys instead of a new one made for Homeport. */
  identityFile?: string
  disablePasswordLogin: boolean
}

export interface PlanState extends AsyncState {
  plan?: ProvisionPlanDto
  /** The options the plan was made with: another choice changes the steps, so it is planned again. */
  options?: SetupOptions
}

function sameOptions(a: SetupOptions | undefined, b: SetupOptions): boolean {
  return a !== undefined && a.identityFile === b.identityFile && a.disablePasswordLogin === b.disablePasswordLogin
}

/** The agent's facts per server, the set-up plan, and the set-up job. The sudo password never passes through here. */
export const useProvisionStore = defineStore('provision', () => {
  const api = useApi()
  const jobs = useJobsStore()
  const servers = useServersStore()
  const facts = ref<Record<string, ServerFacts>>({})
  const plans = ref<Record<string, PlanState>>({})
  const jobIds = ref<Record<string, string>>({})

  function factsOf(serverId: string): ServerFacts {
    if (!facts.value[serverId]) facts.value[serverId] = { loading: false }
    return facts.value[serverId]
  }

  function planOf(serverId: string): PlanState {
    if (!plans.value[serverId]) plans.value[serverId] = { loading: false }
    return plans.value[serverId]
  }

  /**
   * hello first: the core puts the agent in place on that call when it can, so the status read after it
   * says whether the agent is still missing or old (a full disk, a read-only home).
   */
  async function loadFacts(serverId: string): Promise<void> {
    const entry = factsOf(serverId)
    const loaded = await runAsync(
      entry,
      async () => {
        const hello = await api.call('agent.hello', { serverId })
        const status = await api.call('agent.status', { serverId }).catch(() => undefined)
        return { hello, status }
      },
      { keepError: true },
    )
    if (!loaded) return
    entry.hello = loaded.hello
    entry.status = loaded.status
  }

  /** Runs every check (nothing changes on the server); a plan for the same options is reused unless `fresh`. */
  async function loadPlan(serverId: string, options: SetupOptions, fresh = false): Promise<ProvisionPlanDto | undefined> {
    const entry = planOf(serverId)
    if (!fresh && entry.plan && sameOptions(entry.options, options)) return entry.plan
    entry.options = { ...options }
    const plan = await runAsync(entry, () => api.call('provision.plan', { serverId, ...options }))
    // A newer call for other options may have finished first: keep the plan of the options now chosen. A
    // failed one leaves no plan, so the one shown for the old choices cannot be run under the new ones.
    if (sameOptions(entry.options, options)) entry.plan = plan
    return plan
  }

  function forgetPlan(serverId: string): void {
    const { [serverId]: _gone, ...rest } = plans.value
    plans.value = rest
  }

  function afterRun(serverId: string, job: JobDto): void {
    // Even a failed run may have switched the entry to a key before it stopped: read the list again.
    void servers.load()
    if (job.state !== 'succeeded') return
    forgetPlan(serverId)
    void loadFacts(serverId)
  }

  function follow(serverId: string, jobId: string): void {
    jobIds.value = { ...jobIds.value, [serverId]: jobId }
    jobs.onFinished(jobId, (job) => afterRun(serverId, job))
  }

  /** Starts the set-up job; the password goes straight into the call and is kept nowhere in the window. */
  async function run(serverId: string, options: SetupOptions, sudoPassword?: string): Promise<string> {
    const { jobId } = await api.call('provision.run', { serverId, ...options, ...(sudoPassword !== undefined ? { sudoPassword } : {}) })
    follow(serverId, jobId)
    await jobs.track(jobId).catch(() => undefined)
    return jobId
  }

  /** The set-up job the window last followed for this server, narrowed to its kind. */
  function jobOf(serverId: string): JobDto<'provision'> | undefined {
    const job = jobs.get(jobIds.value[serverId])
    return job?.kind === 'provision' ? job : undefined
  }

  /** After a reload the window finds a set-up still running in the core and follows it again. */
  async function findRunning(serverId: string): Promise<JobDto<'provision'> | undefined> {
    const list = await api.call('jobs.list', { serverId, limit: 20 })
    const running = list.find((j): j is JobDto<'provision'> => j.kind === 'provision' && j.state === 'running')
    if (!running) return undefined
    jobs.put(running)
    follow(serverId, running.id)
    return running
  }

  /** Leaves the finished job behind so the wizard shows the plan again. */
  function dismissJob(serverId: string): void {
    const { [serverId]: _gone, ...rest } = jobIds.value
    jobIds.value = rest
  }

  return { facts, plans, jobIds, factsOf, planOf, loadFacts, loadPlan, forgetPlan, run, jobOf, findRunning, dismissJob }
})
