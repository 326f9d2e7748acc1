import { describe, expect, it } from 'vitest'
import { commandLine, formErrors, runStatus, splitCommand, type TaskForm } from './task-view.js'

const form = (f: Partial<TaskForm>): TaskForm => ({ name: 'nightly', cron: '0 3 * * *', where: 'image', app: null, service: null, image: 'busybox:1', command: 'echo hi', ...f })

describe('the task form', () => {
  it('splits a command line into words as a shell would, expanding nothing', () => {
    expect(splitCommand(`sh -c 'echo "$HOME"; id' x`)).toEqual(['sh', '-c', 'echo "$HOME"; id', 'x'])
    expect(splitCommand(`echo "a \\"b\\" $(id)" c\\ d ''`)).toEqual(['echo', 'a "b" $(id)', 'c d', ''])
    expect(splitCommand(`echo "it's \\$(id) \\\`x\\\` \\n"`)).toEqual(['echo', "it's $(id) `x` \\n"])
    expect(splitCommand('  ')).toEqual([])
    expect(() => splitCommand(`echo 'open`)).toThrow(/single quote/)
  })

  it('names the field that is wrong and how to fix it', () => {
    expect(formErrors(form({}))).toEqual({})
    expect(formErrors(form({ name: 'Nightly Dump' })).name).toMatch(/lower-case/)
    expect(formErrors(form({ cron: '0 3 * *' })).cron).toMatch(/five fields/)
    expect(formErrors(form({ cron: 'daily' }))).toEqual({})
    expect(formErrors(form({ where: 'app' })).app).toMatch(/Pick the app/)
    expect(formErrors(form({ where: 'app', app: 'web' })).service).toMatch(/service/)
    expect(formErrors(form({ image: ' ' })).image).toMatch(/image such as/)
    expect(formErrors(form({ command: `echo "x` })).command).toMatch(/double quote/)
  })

  it('shows a command and a run in words', () => {
    expect(commandLine(['sh', '-c', "echo it's"])).toBe(`sh -c 'echo it'\\''s'`)
    expect(splitCommand(commandLine(['sh', '-c', "echo it's"]))).toEqual(['sh', '-c', "echo it's"])
    expect(runStatus(undefined).text).toBe('Never run')
    expect(runStatus({ task: 't', run: 'r', status: 'failed', exitCode: 2, startedAt: '' })).toEqual({ text: 'Failed (exit 2)', type: 'error' })
    expect(runStatus({ task: 't', run: 'r2', status: 'skipped', skippedFor: 'r1', startedAt: '' })).toEqual({ text: 'Skipped: run r1 was still going', type: 'warning' })
  })
})
