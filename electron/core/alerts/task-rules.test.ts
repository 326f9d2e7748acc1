import { describe, expect, it } from 'vitest'
import type { AlertDto, TaskRunDto } from '../../../shared/contract/index.js'
import { taskRunActions } from './task-rules.js'

const run = (task: string, id: string, status: TaskRunDto['status'], exitCode?: number): TaskRunDto => ({ task, run: id, status, startedAt: `2026-11-30T0${id}:00:00Z`, ...(exitCode !== undefined ? { exitCode } : {}) })

describe('task alerts', () => {
  it('raises one alert for a failed last run, naming the task and the exit code, unless already seen', () => {
    // A skipped run (another one was still going) says nothing about how the task fares.
    const runs = [run('dump', '1', 'ok', 0), run('dump', '2', 'failed', 3), run('dump', '3', 'running'), run('dump', '4', 'skipped'), run('gone', '1', 'failed', 1)]
    const input = { serverId: 's', serverName: 'home', runs, tasks: ['dump'], seen: () => false, open: [] }
    const actions = taskRunActions(input)
    expect(actions).toHaveLength(1)
    const raised = 'raise' in actions[0] ? actions[0].raise : undefined
    expect(raised).toMatchObject({ rule: 'task.failed', subject: 'dump 2' })
    expect(raised?.title).toContain('dump')
    expect(raised?.title).toContain('exit code 3')
    expect(taskRunActions({ ...input, seen: () => true })).toEqual([])
  })

  it('resolves the open alert once a later run succeeds', () => {
    const open = [{ rule: 'task.failed', serverId: 's', subject: 'dump 2' } as AlertDto, { rule: 'task.failed', serverId: 's', subject: 'dumpling 1' } as AlertDto]
    const actions = taskRunActions({ serverId: 's', serverName: 'home', runs: [run('dump', '2', 'failed', 3), run('dump', '4', 'ok', 0)], tasks: ['dump'], seen: () => false, open })
    expect(actions).toEqual([{ resolve: { ref: open[0], resolution: 'recovered', message: expect.stringContaining('succeeded') } }])
  })
})
