// "Run now": the task's own script in live mode, so the run is the same as a scheduled one (same record,
// same history, same bounded log) and its output reaches the job's log line by line as it comes.

import { randomBytes } from 'node:crypto'
import type { TaskRunDto } from '../../../shared/contract/tasks.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import type { JobContext } from '../jobs/job-runner.js'
import { readRuns } from './task-runs.js'
import type { TaskDefinition, TaskPaths } from './task-service.js'

/** A run id that sorts with the scheduled ones (UTC time first) and cannot clash with them (no pid suffix). */
export function liveRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-hp${randomBytes(3).toString('hex')}`
}

export function describeTarget(task: Pick<TaskDefinition, 'target'>): string {
  return task.target.kind === 'app' ? `in ${task.target.app}/${task.target.service}` : `in a container of ${task.target.image}`
}

/**
 * Streams the channel's output into the job log, one line at a time; resolves when the channel closes. On
 * cancel, `stop` ends the run on the server (the output then ends by itself) or, when it cannot, the
 * following stops and the command goes on.
 */
function follow(channel: NodeJS.ReadableStream & { stderr: NodeJS.ReadableStream; close(): void }, ctx: JobContext, stop: () => Promise<boolean>): Promise<void> {
  return new Promise((resolve) => {
    let partial = ''
    const onAbort = () => {
      void stop().then(
        (stopped) => {
          if (stopped) return
          ctx.log('This command cannot be stopped from Homeport: it goes on on the server, and its end shows in the task history.')
          channel.close()
        },
        () => channel.close(),
      )
    }
    ctx.signal.addEventListener('abort', onAbort, { once: true })
    channel.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) ctx.log(line)
    })
    channel.stderr.on('data', (chunk: Buffer) => ctx.log(chunk.toString('utf8').trimEnd()))
    channel.on('error', () => {})
    channel.on('close', () => {
      ctx.signal.removeEventListener('abort', onAbort)
      if (partial) ctx.log(partial)
      resolve()
    })
  })
}

export async function runTaskNow(session: SshSession, serverName: string, task: TaskDefinition, paths: TaskPaths, ctx: JobContext): Promise<TaskRunDto> {
  const run = liveRunId()
  ctx.step(`Running ${task.command.join(' ')} ${describeTarget(task)} on ${serverName}`)
  const channel = await session.execStream(['sh', paths.script(task.name), 'live', run])
  const script = paths.script(task.name)
  await follow(channel, ctx, async () => task.target.kind === 'image' && (await session.exec(['sh', script, 'stop', run])).code === 0)
  const record = (await readRuns(session, paths.root, task.name)).find((r) => r.run === run)
  if (!record || record.status === 'running') {
    throw new HomeportError('CONNECTION_LOST', `Homeport stopped following the run of ${task.name} on ${serverName} before it ended.`, {
      hint: 'The command keeps running on the server; its end, exit code and log appear in the task history.',
    })
  }
  if (record.status === 'skipped') {
    throw new HomeportError('TASK_RUNNING', `The task ${task.name} on ${serverName} is still running (run ${record.skippedFor}), so it was not started again.`)
  }
  ctx.step(`Exit code ${record.exitCode} after ${((record.durationMs ?? 0) / 1000).toFixed(1)} s`)
  if (record.status === 'failed') {
    throw new HomeportError('COMMAND_FAILED', `The task ${task.name} on ${serverName} exited with code ${record.exitCode}.`, { hint: 'Its output is in the log above and in the task history.', cliHint: `Its output is above; see also \`homeport tasks logs SERVER ${task.name}\`.` })
  }
  return record
}
