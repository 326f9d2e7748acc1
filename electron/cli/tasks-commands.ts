// `homeport tasks add|list|run|history|logs|remove`: commands the server runs by itself on a cron schedule,
// in an app's running service (--app, --service) or in a short-lived container of an image (--image), with
// each run's exit code, duration and log kept on the server.

import type { Command } from 'commander'
import type { TaskDto, TaskRunDto, TaskTargetDto } from '../../shared/contract/index.js'
import { runJob, throwIfFailed } from './apps-job.js'
import { table, usageError, writeJson } from './output.js'
import type { WithCore } from './server-commands.js'
import { askYes, isInteractive } from './tty-prompter.js'

interface AddOptions {
  cron: string
  app?: string
  service?: string
  image?: string
}

/** The target the flags name: exactly one of --app (with --service) and --image. */
export function targetFromFlags(opts: AddOptions): TaskTargetDto {
  if (opts.app && opts.image) throw usageError('Give either --app or --image, not both.', 'Run the command in an app\'s service (--app APP --service S) or in a container of an image (--image IMG).')
  if (opts.image) {
    if (opts.service) throw usageError('--service goes with --app, not with --image.')
    return { kind: 'image', image: opts.image }
  }
  if (opts.app) {
    if (!opts.service) throw usageError(`Say which service of ${opts.app} runs the command.`, 'Pass --service SERVICE (see `homeport apps show SERVER APP`).')
    return { kind: 'app', app: opts.app, service: opts.service }
  }
  throw usageError('Say where the command runs.', 'Pass --app APP --service SERVICE, or --image IMAGE.')
}

const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '')
const seconds = (ms?: number) => (ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`)
const where = (t: TaskTargetDto) => (t.kind === 'app' ? `${t.app}/${t.service}` : `image ${t.image}`)
const lastStatus = (r?: TaskRunDto) => (!r ? 'never run' : r.status === 'running' ? 'running' : r.status === 'skipped' ? `skipped (run ${r.skippedFor} was still going)` : `${r.status} (exit ${r.exitCode})`)

function taskRows(tasks: TaskDto[]): string[][] {
  return tasks.map((t) => [t.name, t.cron, where(t.target), t.command.join(' '), lastStatus(t.lastRun), when(t.nextRun)])
}

function runRows(runs: TaskRunDto[]): string[][] {
  return runs.map((r) => [r.run, when(r.startedAt), r.status, r.exitCode === undefined ? '' : String(r.exitCode), seconds(r.durationMs), r.truncated ? 'end kept' : r.status === 'skipped' ? `skipped: run ${r.skippedFor} was going` : ''])
}

async function deleteHistory(flag: boolean | undefined, name: string): Promise<boolean> {
  if (flag !== undefined) return flag
  if (!isInteractive()) return false
  return askYes(`Also delete the run history and logs of ${name} on the server? [y/N] `)
}

export function registerTasksCommands(program: Command, withCore: WithCore, json: () => boolean): void {
  const tasks = program.command('tasks').description('commands the server runs by itself on a schedule, with a history of runs and their logs')
  tasks
    .command('add')
    .description('schedule a command: tasks add SERVER NAME --cron "0 3 * * *" (--app APP --service S | --image IMG) -- COMMAND…')
    .argument('<server>', 'server name')
    .argument('<name>', 'task name (lower-case letters, digits and -)')
    .argument('<command...>', 'the command and its arguments, after --')
    .requiredOption('--cron <when>', 'when it runs: "MIN HOUR DAY MONTH WEEKDAY" (server time), or hourly, daily, weekly, monthly')
    .option('--app <app>', "run it in this app's running service (docker exec)")
    .option('--service <service>', 'the service of --app')
    .option('--image <image>', 'run it in a new container of this image, removed afterwards')
    .option('--json', 'print JSON')
    .action(async (server: string, name: string, command: string[], opts: AddOptions) => {
      const target = targetFromFlags(opts)
      await withCore(async (core) => {
        const task = await core.call('tasks.add', { serverId: server, name, cron: opts.cron, target, command })
        if (json()) return writeJson(task)
        const via = task.via === 'cron' ? 'a cron entry' : `a systemd user timer${task.lingering === false ? ' (runs only while you are logged in: lingering could not be enabled)' : ''}`
        process.stdout.write(`Task ${task.name} on ${server}: ${task.command.join(' ')} in ${where(task.target)} at "${task.cron}" by ${via}; next run ${when(task.nextRun)}.\n`)
      }, { server })
    })
  tasks
    .command('list')
    .description("a server's tasks with their schedule, last run and next run")
    .argument('<server>', 'server name')
    .option('--json', 'print JSON')
    .action(async (server: string) => {
      await withCore(async (core) => {
        const list = await core.call('tasks.list', { serverId: server })
        if (json()) return writeJson(list)
        if (!list.length) return void process.stdout.write(`No task on ${server}. Add one with \`homeport tasks add\`.\n`)
        process.stdout.write(table(['NAME', 'SCHEDULE', 'WHERE', 'COMMAND', 'LAST RUN', 'NEXT RUN'], taskRows(list)))
      }, { server })
    })
  tasks
    .command('run')
    .description("run a task now, printing its output; the run joins the task's history")
    .argument('<server>', 'server name')
    .argument('<name>', 'task name')
    .option('--json', 'print progress and the result as JSON lines')
    .action(async (server: string, name: string) => {
      await withCore(async (core) => {
        const job = await runJob(core, json() ? 'json' : 'lines', () => core.call('tasks.run', { serverId: server, name }))
        const r = job.kind === 'task' ? job.result : undefined
        throwIfFailed(job)
        if (json()) return void process.stdout.write(`${JSON.stringify(r)}\n`)
        process.stdout.write(`Task ${name} exited with code ${r?.exitCode} after ${seconds(r?.durationMs)} (run ${r?.run}).\n`)
      }, { server })
    })
  tasks
    .command('history')
    .description("a task's last runs, newest first")
    .argument('<server>', 'server name')
    .argument('<name>', 'task name')
    .option('--json', 'print JSON')
    .action(async (server: string, name: string) => {
      await withCore(async (core) => {
        const runs = await core.call('tasks.history', { serverId: server, name })
        if (json()) return writeJson(runs)
        if (!runs.length) return void process.stdout.write(`${name} has not run yet.\n`)
        process.stdout.write(table(['RUN', 'STARTED', 'STATUS', 'EXIT', 'DURATION', 'LOG'], runRows(runs)))
      }, { server })
    })
  tasks
    .command('logs')
    .description("the log of a task's run (default: the latest)")
    .argument('<server>', 'server name')
    .argument('<name>', 'task name')
    .argument('[run]', 'run id, as `tasks history` lists them')
    .option('--json', 'print JSON')
    .action(async (server: string, name: string, run: string | undefined) => {
      await withCore(async (core) => {
        const log = await core.call('tasks.logs', { serverId: server, name, ...(run ? { run } : {}) })
        if (json()) return writeJson(log)
        process.stderr.write(`Run ${log.run.run}: ${log.run.status}${log.run.exitCode !== undefined ? `, exit ${log.run.exitCode}` : ''}${log.run.truncated ? ' (the end of its log)' : ''}\n`)
        process.stdout.write(log.log)
      }, { server })
    })
  tasks
    .command('remove')
    .description("remove a task's schedule and script; its history too when confirmed (asked on a terminal)")
    .argument('<server>', 'server name')
    .argument('<name>', 'task name')
    .option('--delete-history', 'also delete its run history and logs, without asking')
    .option('--keep-history', 'keep its run history and logs on the server, without asking')
    .option('--json', 'print JSON')
    .action(async (server: string, name: string, opts: { deleteHistory?: boolean; keepHistory?: boolean }) => {
      if (opts.deleteHistory && opts.keepHistory) throw usageError('Give --delete-history or --keep-history, not both.')
      const drop = await deleteHistory(opts.deleteHistory ?? (opts.keepHistory ? false : undefined), name)
      await withCore(async (core) => {
        const res = await core.call('tasks.remove', { serverId: server, name, deleteHistory: drop })
        if (json()) return writeJson({ removed: name, ...res })
        process.stdout.write(`Removed the task ${name} on ${server}${res.historyKept ? '; its run history stays on the server' : ' and its history'}.\n`)
      }, { server })
    })
}
