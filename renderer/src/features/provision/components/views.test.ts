import { describe, expect, it } from 'vitest'
import { factList, formatUptime } from './facts-view.js'
import { blockedBy, commandLines, stepsToRun } from './plan-view.js'
import { overallPercent, stepRows } from './run-view.js'
import { emptySetupForm, formProblem, setupOptions } from './setup-form.js'
import { hello, plan, provisionJob } from './test-fixtures.test-support.js'

const finished = (key: string) => ({ key, label: `Title of ${key}`, current: 1, total: 1 })
const pending = (key: string) => ({ key, label: `Title of ${key}`, current: 0, total: 1 })
const ids = ['connect', 'key', 'password-login', 'os', 'docker', 'group', 'agent', 'linger', 'verify']

describe('the plan as listed', () => {
  it('marks sudo commands and the notes that are not shell commands', () => {
    const group = plan().steps.find((s) => s.id === 'group')!
    expect(commandLines(group)).toEqual([
      { text: 'sudo usermod -aG docker alice', sudo: true, note: false },
      { text: '(reconnect)', sudo: false, note: true },
    ])
    expect(stepsToRun(plan())).toBe(4)
  })

  it('says which step blocks the run', () => {
    expect(blockedBy(plan())).toBeUndefined()
    const blocked = plan({ steps: plan().steps.map((s) => (s.id === 'os' ? { ...s, status: 'blocked' as const, detail: 'Gentoo is not supported.' } : s)) })
    expect(blockedBy(blocked)).toBe('Title of os: Gentoo is not supported.')
  })
})

describe('the run as drawn', () => {
  it('shows finished steps as done or already done (from the plan), the running one, and the rest waiting', () => {
    const job = provisionJob({ step: 'Title of key', items: ids.map((id) => (id === 'connect' ? finished(id) : pending(id))), progress: 1 / 9 })
    const rows = stepRows(job, plan())
    expect(rows.map((r) => r.phase)).toEqual(['already-done', 'running', 'waiting', 'waiting', 'waiting', 'waiting', 'waiting', 'waiting', 'waiting'])
    expect(rows[0].percent).toBe(100)
    expect(overallPercent(job)).toBe(11)
  })

  it('reads the result once there is one, and marks the step a failed run stopped at', () => {
    const failed = provisionJob({ state: 'failed', step: 'Title of group', items: ids.map((id) => (['connect', 'key', 'password-login', 'os', 'docker'].includes(id) ? finished(id) : pending(id))) })
    expect(stepRows(failed, plan()).map((r) => r.phase)).toEqual(['already-done', 'done', 'skipped', 'already-done', 'already-done', 'failed', 'waiting', 'waiting', 'waiting'])
    const succeeded = provisionJob({
      state: 'succeeded',
      items: ids.map(finished),
      result: { status: 'provisioned', serverId: 's1', steps: ids.map((id) => ({ id: id as never, outcome: id === 'group' ? ('done' as const) : ('already-done' as const) })), summary: { os: 'Debian', docker: '24', agent: '1.0.0' } },
    })
    expect(stepRows(succeeded).filter((r) => r.phase === 'done').map((r) => r.id)).toEqual(['group'])
    expect(overallPercent(succeeded)).toBe(100)
  })

  it('takes titles from the plan before the job has reported any step', () => {
    expect(stepRows(provisionJob(), plan()).map((r) => r.title)[1]).toBe('Title of key')
    expect(stepRows(provisionJob())[1].title).toBe('key')
    expect(overallPercent(provisionJob())).toBe(0)
  })
})

describe('the facts and the choices', () => {
  it('formats uptime with its two largest units', () => {
    expect(formatUptime(59)).toBe('0 min')
    expect(formatUptime(5 * 3600 + 12 * 60)).toBe('5 h 12 min')
    expect(formatUptime(86_400 + 3600)).toBe('1 day 1 h')
    expect(formatUptime(-1)).toBe('–')
  })

  it('lists the facts the server page shows', () => {
    const facts = Object.fromEntries(factList(hello()).map((f) => [f.key, f.value]))
    expect(facts).toMatchObject({ os: 'Debian GNU/Linux 12 (bookworm)', kernel: '6.1.0-18-amd64 (x86_64)', docker: '24.0.7', cpus: '4', memory: '8.0 GiB', uptime: '3 days 4 h' })
    expect(Object.fromEntries(factList(hello({ installed: false, version: '', socket: '' })).map((f) => [f.key, f.value])).docker).toBe('not installed')
  })

  it('turns the choices into options, and refuses an own key without a full path', () => {
    expect(setupOptions(emptySetupForm())).toEqual({ disablePasswordLogin: false })
    expect(formProblem(emptySetupForm())).toBeUndefined()
    const own = { ...emptySetupForm(), key: 'own' as const, identityFile: ' /home/a/.ssh/id_ed25519 ', disablePasswordLogin: true }
    expect(setupOptions(own)).toEqual({ identityFile: '/home/a/.ssh/id_ed25519', disablePasswordLogin: true })
    expect(formProblem({ ...own, identityFile: '' })).toMatch(/path/)
    expect(formProblem({ ...own, identityFile: '~/.ssh/id' })).toMatch(/full path/)
    // A path typed, then the default key chosen again: the path is not sent.
    expect(setupOptions({ ...own, key: 'homeport' })).toEqual({ disablePasswordLogin: true })
  })
})
