import { describe, expect, it } from 'vitest'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { useJobsStore } from '../jobs/store.js'
import { hello, plan, provisionJob } from './components/test-fixtures.test-support.js'
import { useProvisionStore } from './store.js'

const bridge = useFakeBridge()

describe('provision store', () => {
  it('reads the facts, then the agent status the hello left behind', async () => {
    const provision = useProvisionStore()
    bridge.answer('agent.hello', hello())
    bridge.answer('agent.status', { bundled: '1.0.0', installed: '1.0.0', upToDate: true })
    await provision.loadFacts('s1')
    expect(provision.facts.s1.hello?.hostname).toBe('nas')
    expect(provision.facts.s1.status?.upToDate).toBe(true)
    expect(bridge.calls.map((c) => c.method)).toEqual(['agent.hello', 'agent.status'])
  })

  it('plans once per set of choices, and again when asked for a fresh one', async () => {
    const provision = useProvisionStore()
    bridge.answer('provision.plan', plan())
    await provision.loadPlan('s1', { disablePasswordLogin: false })
    await provision.loadPlan('s1', { disablePasswordLogin: false })
    await provision.loadPlan('s1', { disablePasswordLogin: true })
    await provision.loadPlan('s1', { disablePasswordLogin: true }, true)
    expect(bridge.calls.filter((c) => c.method === 'provision.plan').map((c) => c.input)).toEqual([
      { serverId: 's1', disablePasswordLogin: false },
      { serverId: 's1', disablePasswordLogin: true },
      { serverId: 's1', disablePasswordLogin: true },
    ])
    expect(provision.plans.s1.plan?.needsSudoPassword).toBe(true)

    // A plan that fails for new choices leaves none: the old one must not run under them.
    bridge.fail('provision.plan', { code: 'UNREACHABLE', message: 'gone', hint: '' })
    await provision.loadPlan('s1', { disablePasswordLogin: false })
    expect(provision.plans.s1.plan).toBeUndefined()
    expect(provision.plans.s1.error?.code).toBe('UNREACHABLE')
  })

  it('passes the sudo password to the run only, follows the job, and reloads servers and facts after it', async () => {
    const provision = useProvisionStore()
    const jobs = useJobsStore()
    bridge.answer('provision.run', { jobId: 'j1' })
    bridge.answer('jobs.get', provisionJob())
    bridge.answer('servers.list', [])
    bridge.answer('servers.states', [])
    bridge.answer('agent.hello', hello())
    bridge.answer('agent.status', { bundled: '1.0.0', installed: '1.0.0', upToDate: true })
    bridge.answer('provision.plan', plan())
    await provision.loadPlan('s1', { disablePasswordLogin: false })

    expect(await provision.run('s1', { disablePasswordLogin: false }, 'pw')).toBe('j1')
    expect(bridge.calls.find((c) => c.method === 'provision.run')?.input).toEqual({ serverId: 's1', disablePasswordLogin: false, sudoPassword: 'pw' })
    expect(provision.jobOf('s1')?.state).toBe('running')
    expect(JSON.stringify(provision.$state)).not.toContain('"pw"')
    expect(JSON.stringify(jobs.$state)).not.toContain('"pw"')

    bridge.emit('job.update', provisionJob({ state: 'succeeded', result: { status: 'provisioned', serverId: 's1', steps: [], summary: { os: 'Debian', docker: '24', agent: '1.0.0' } } }))
    expect(provision.jobOf('s1')?.result?.summary.os).toBe('Debian')
    expect(bridge.calls.map((c) => c.method)).toEqual(expect.arrayContaining(['servers.list', 'agent.hello']))
    // The plan was made before the run; the next visit plans again.
    expect(provision.plans.s1).toBeUndefined()
  })

  it('runs without a password when the plan needs none, and finds a set-up still running after a reload', async () => {
    const provision = useProvisionStore()
    bridge.answer('provision.run', { jobId: 'j1' })
    bridge.answer('jobs.get', provisionJob())
    await provision.run('s1', { disablePasswordLogin: false })
    expect(bridge.calls.find((c) => c.method === 'provision.run')?.input).toEqual({ serverId: 's1', disablePasswordLogin: false })

    const fresh = useProvisionStore()
    fresh.dismissJob('s1')
    expect(fresh.jobOf('s1')).toBeUndefined()
    bridge.answer('jobs.list', [{ ...provisionJob({ id: 'j2' }) }, { id: 'j3', kind: 'install', title: 'Install', serverId: 's1', state: 'running', items: [], log: [], startedAt: 'now' }])
    expect((await fresh.findRunning('s1'))?.id).toBe('j2')
    expect(fresh.jobOf('s1')?.id).toBe('j2')
  })
})
