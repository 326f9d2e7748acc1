import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { JobDto, MethodInput, TaskDto, TaskLogDto, TaskRunDto } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'
import { runAsync, type AsyncState } from '../../ui/use-async.js'
import { useJobsStore } from '../jobs/store.js'

export interface ServerTasksState extends AsyncState {
  loaded: boolean
  tasks: TaskDto[]
  /** The runs of each task once asked for, newest first. */
  history: Record<string, TaskRunDto[]>
  /** The job of the last "Run now" per task started from this window. */
  runJobs: Record<string, string>
}

export type AddTaskInput = Omit<MethodInput<'tasks.add'>, 'serverId'>

/** A server's scheduled tasks, their run history and logs, and the jobs of "Run now". */
export const useTasksStore = defineStore('tasks', () => {
  const api = useApi()
  const jobs = useJobsStore()
  const byServer = ref<Record<string, ServerTasksState>>({})

  function of(serverId: string): ServerTasksState {
    let entry = byServer.value[serverId]
    if (!entry) {
      byServer.value[serverId] = { loaded: false, loading: false, tasks: [], history: {}, runJobs: {} }
      entry = byServer.value[serverId]
    }
    return entry
  }

  async function load(serverId: string, options: { keepError?: boolean } = {}): Promise<void> {
    const entry = of(serverId)
    const tasks = await runAsync(entry, () => api.call('tasks.list', { serverId }), options)
    if (!tasks) return
    entry.tasks = tasks
    entry.loaded = true
  }

  /** Throws the core's error for the dialog to show; the list is read again after. */
  async function add(serverId: string, input: AddTaskInput): Promise<TaskDto> {
    const task = await api.call('tasks.add', { serverId, ...input })
    await load(serverId)
    return task
  }

  async function loadHistory(serverId: string, name: string): Promise<TaskRunDto[]> {
    const runs = await api.call('tasks.history', { serverId, name })
    of(serverId).history[name] = runs
    return runs
  }

  function log(serverId: string, name: string, run: string): Promise<TaskLogDto> {
    return api.call('tasks.logs', { serverId, name, run })
  }

  /** Starts "Run now"; once the job ends, the list and the task's history are read again. */
  async function run(serverId: string, name: string): Promise<JobDto> {
    const { jobId } = await api.call('tasks.run', { serverId, name })
    of(serverId).runJobs[name] = jobId
    jobs.onFinished(jobId, () => {
      void load(serverId, { keepError: true })
      void loadHistory(serverId, name).catch(() => {})
    })
    return jobs.track(jobId)
  }

  function runJob(serverId: string, name: string): JobDto | undefined {
    return jobs.get(of(serverId).runJobs[name])
  }

  async function remove(serverId: string, name: string, deleteHistory: boolean): Promise<void> {
    await api.call('tasks.remove', { serverId, name, deleteHistory })
    const entry = of(serverId)
    delete entry.history[name]
    delete entry.runJobs[name]
    await load(serverId)
  }

  return { byServer, of, load, add, loadHistory, log, run, runJob, remove }
})
