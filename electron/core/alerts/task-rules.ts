// Task alerts from the run records the server's task scripts write, read when Homeport connects: a task whose
// latest finished run failed is one alert naming the task and its exit code (one per run, however often the
// records are read again), resolved by a later run that succeeds.

import type { AlertDto, TaskRunDto } from '../../../shared/contract/index.js'
import type { AlertRef, AlertSpec, RuleAction } from './alert-spec.js'

export interface TaskRuleInput {
  serverId: string
  serverName: string
  /** The runs of the tasks still scheduled, oldest first. */
  runs: TaskRunDto[]
  tasks: string[]
  seen(ref: AlertRef): boolean
  open: AlertDto[]
}

export function taskRunActions(input: TaskRuleInput): RuleAction[] {
  const { serverId, serverName } = input
  const actions: RuleAction[] = []
  for (const task of input.tasks) {
    const last = input.runs.filter((r) => r.task === task && (r.status === 'ok' || r.status === 'failed')).at(-1)
    if (last?.status === 'failed') {
      const spec: AlertSpec = {
        rule: 'task.failed',
        severity: 'warning',
        serverId,
        subject: `${task} ${last.run}`,
        title: `The scheduled task ${task} on ${serverName} failed with exit code ${last.exitCode}`,
        message: `The run that started at ${last.startedAt} exited with code ${last.exitCode}. Its log is in the task's history.`,
        target: { kind: 'server', serverId },
      }
      if (!input.seen(spec)) actions.push({ raise: spec })
    } else if (last?.status === 'ok') {
      for (const a of input.open.filter((x) => x.rule === 'task.failed' && x.subject.startsWith(`${task} `))) {
        actions.push({ resolve: { ref: a, resolution: 'recovered', message: `The run of ${task} at ${last.startedAt} succeeded.` } })
      }
    }
  }
  return actions
}
