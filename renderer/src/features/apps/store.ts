import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppDto, AppSettingsDto, ForwardDto, LogLineDto, MethodInput, PlanDto, StatsDto } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'
import { runAsync, type AsyncState } from '../../ui/use-async.js'

export type PlanInput = MethodInput<'apps.plan'>
export type LifecycleAction = 'start' | 'stop' | 'restart'

export interface ServerApps extends AsyncState {
  apps: AppDto[]
  loaded: boolean
  /** App names with an action under way (buttons show a spinner). */
  busy: Record<string, string>
}

export const useAppsStore = defineStore('apps', () => {
  const api = useApi()
  const byServer = ref<Record<string, ServerApps>>({})
  /** Each app's forwarded page while its forward is open: it goes when the core closes it (stop, drop, remove). */
  const forwards = ref<Record<string, string>>({})
  /** The last job started on each app (update, settings), kept until the person has seen how it ended. */
  const jobs = ref<Record<string, string>>({})
  const keyOf = (serverId: string, app: string): string => `${serverId}/${app}`

  api.on('apps.forward', (event) => {
    const key = keyOf(event.serverId, event.app)
    if (event.state === 'open') forwards.value = { ...forwards.value, [key]: event.url }
    else if (forwards.value[key] === event.url) {
      const { [key]: _closed, ...rest } = forwards.value
      forwards.value = rest
    }
  })

  function forwardUrl(serverId: string, app: string): string | undefined {
    return forwards.value[keyOf(serverId, app)]
  }

  function jobOf(serverId: string, app: string): string | undefined {
    return jobs.value[keyOf(serverId, app)]
  }

  /** The person has seen the job's end: its card may go. */
  function dismissJob(serverId: string, app: string): void {
    const { [keyOf(serverId, app)]: _seen, ...rest } = jobs.value
    jobs.value = rest
  }

  function of(serverId: string): ServerApps {
    let entry = byServer.value[serverId]
    if (!entry) {
      byServer.value[serverId] = { apps: [], loading: false, loaded: false, busy: {} }
      entry = byServer.value[serverId]
    }
    return entry
  }

  function find(serverId: string, app: string): AppDto | undefined {
    return byServer.value[serverId]?.apps.find((a) => a.name === app)
  }

  async function load(serverId: string): Promise<void> {
    const entry = of(serverId)
    const apps = await runAsync(entry, () => api.call('apps.list', { serverId }), { keepError: true })
    if (!apps) return
    entry.apps = apps
    entry.loaded = true
  }

  function replace(serverId: string, app: AppDto): void {
    const entry = of(serverId)
    const index = entry.apps.findIndex((a) => a.name === app.name)
    entry.apps = index === -1 ? [...entry.apps, app] : entry.apps.map((a, i) => (i === index ? app : a))
  }

  async function busyWhile<T>(serverId: string, app: string, what: string, work: () => Promise<T>): Promise<T> {
    const entry = of(serverId)
    entry.busy = { ...entry.busy, [app]: what }
    try {
      return await work()
    } finally {
      const { [app]: _done, ...rest } = entry.busy
      entry.busy = rest
    }
  }

  async function lifecycle(serverId: string, app: string, action: LifecycleAction): Promise<AppDto> {
    const updated = await busyWhile(serverId, app, action, () => api.call(`apps.${action}`, { serverId, app }))
    replace(serverId, updated)
    return updated
  }

  async function remove(serverId: string, app: string, deleteData: boolean): Promise<void> {
    await busyWhile(serverId, app, 'remove', () =>
      api.call('apps.remove', deleteData ? { serverId, app, volumes: true, confirm: app } : { serverId, app, volumes: false }),
    )
    const entry = of(serverId)
    entry.apps = entry.apps.filter((a) => a.name !== app)
  }

  function plan(input: PlanInput): Promise<PlanDto> {
    return api.call('apps.plan', input)
  }

  function install(input: PlanInput): Promise<{ jobId: string; app: string }> {
    return api.call('apps.install', input)
  }

  /** `edits`: an edited compose file and/or .env replacing the installed ones (and consent to new host access). */
  async function update(serverId: string, app: string, values?: Record<string, string>, edits: { compose?: string; env?: string; acceptHostAccess?: boolean } = {}): Promise<{ jobId: string; app: string }> {
    const started = await api.call('apps.update', { serverId, app, ...(values ? { values } : {}), ...edits })
    jobs.value = { ...jobs.value, [keyOf(serverId, app)]: started.jobId }
    return started
  }

  async function open(serverId: string, app: string): Promise<ForwardDto> {
    const forward = await busyWhile(serverId, app, 'open', () => api.call('apps.open', { serverId, app }))
    forwards.value = { ...forwards.value, [keyOf(serverId, app)]: forward.url }
    return forward
  }

  function settings(serverId: string, app: string): Promise<AppSettingsDto> {
    return api.call('apps.settings', { serverId, app })
  }

  function stats(serverId: string, app: string): Promise<StatsDto[]> {
    return api.call('apps.stats', { serverId, app })
  }

  function logs(input: MethodInput<'apps.logs'>): Promise<LogLineDto[]> {
    return api.call('apps.logs', input)
  }

  function getMirror(serverId: string): Promise<string | null> {
    return api.call('apps.getMirror', { serverId })
  }

  function setMirror(serverId: string, mirror: string | null): Promise<void> {
    return api.call('apps.setMirror', { serverId, mirror })
  }

  return { byServer, of, find, load, replace, lifecycle, remove, plan, install, update, open, forwardUrl, jobOf, dismissJob, settings, stats, logs, getMirror, setMirror }
})
