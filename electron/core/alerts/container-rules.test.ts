import { afterEach, describe, expect, it } from 'vitest'
import type { AlertRef, RuleAction } from './alert-spec.js'
import { ContainerRules, LOOP, type ContainerFacts } from './container-rules.js'

const labels = { 'com.docker.compose.project': 'web', name: 'web-app-1' }
const running: ContainerFacts = { exists: true, running: true, restarting: false, exitCode: 0, oomKilled: false }
const exited = (exitCode: number, oomKilled = false): ContainerFacts => ({ exists: true, running: false, restarting: false, exitCode, oomKilled })
const gone: ContainerFacts = { exists: false, running: false, restarting: false, exitCode: 0, oomKilled: false }
const tick = () => new Promise((r) => setTimeout(r, 5))

function harness(opts: { facts: () => ContainerFacts; expected?: boolean; now?: () => number }) {
  const open = new Map<string, AlertRef>()
  const log: string[] = []
  const act = (actions: RuleAction[]) => {
    for (const a of actions) {
      if ('raise' in a) {
        log.push(`raise ${a.raise.rule} ${a.raise.subject}`)
        open.set(`${a.raise.rule}|${a.raise.subject}`, a.raise)
      } else {
        log.push(`resolve ${a.resolve.ref.rule} ${a.resolve.resolution}`)
        open.delete(`${a.resolve.ref.rule}|${a.resolve.ref.subject}`)
      }
    }
  }
  const rules = new ContainerRules({
    serverId: 's1',
    serverName: () => 'nas',
    inspect: async () => opts.facts(),
    expectedStop: () => opts.expected ?? false,
    isOpen: (ref) => open.has(`${ref.rule}|${ref.subject}`),
    openSubjects: (rule) => [...open.values()].filter((r) => r.rule === rule).map((r) => r.subject),
    act,
    settleMs: 0,
    ...(opts.now ? { now: opts.now } : {}),
  })
  const ev = (action: string, exitCode?: number) => rules.onEvent({ action, id: 'c1', name: 'web-app-1', labels, ...(exitCode !== undefined ? { exitCode } : {}) })
  return { rules, log, ev, act }
}

let dispose: (() => void) | undefined
afterEach(() => dispose?.())

describe('container rules', () => {
  it('raises one "stopped" alert for a docker kill (137, no stop event), aimed at the app', async () => {
    let raised: RuleAction | undefined
    const rules = new ContainerRules({
      serverId: 's1', serverName: () => 'nas', inspect: async () => exited(137), expectedStop: () => false,
      isOpen: () => false, openSubjects: () => [], act: (a) => (raised = a[0]), settleMs: 0,
    })
    dispose = () => rules.dispose()
    rules.onEvent({ action: 'die', id: 'c1', name: 'web-app-1', labels, exitCode: 137 })
    await tick()
    expect(raised).toMatchObject({
      raise: { rule: 'container.exited', severity: 'critical', app: 'web', subject: 'web-app-1', title: 'web (web-app-1) stopped on nas', target: { kind: 'app', serverId: 's1', app: 'web' } },
    })
    expect('raise' in raised! && raised.raise.message).toMatch(/killed \(exit code 137, SIGKILL\)/)
  })

  it('takes docker stop (a stop event after the die) and the core\'s own stops as expected', async () => {
    const a = harness({ facts: () => exited(137) })
    a.ev('die', 137)
    a.ev('stop')
    await tick()
    expect(a.log).toEqual([])
    const b = harness({ facts: () => exited(137), expected: true })
    b.ev('die', 137)
    await tick()
    expect(b.log).toEqual([])
  })

  it('names an out-of-memory kill as such', async () => {
    const h = harness({ facts: () => exited(137, true) })
    h.ev('oom')
    h.ev('die', 137)
    await tick()
    expect(h.log).toEqual(['raise container.exited web-app-1'])
  })

  it('counts a crash loop as one alert however many restarts, and resolves it once quiet and running', async () => {
    let now = 1_000_000
    const h = harness({ facts: () => ({ ...running, restarting: true }), now: () => now })
    for (let i = 0; i < 8; i++) {
      h.ev('die', 3)
      h.ev('start')
      await tick()
      now += 1000
    }
    expect(h.log.filter((l) => l.startsWith('raise')).every((l) => l === 'raise container.restart-loop web-app-1')).toBe(true)
    expect(h.log.filter((l) => l.includes('container.exited'))).toEqual([])
    now += LOOP.quietMs
    await h.rules.tick()
    expect(h.log.at(-1)).toBe('resolve container.restart-loop recovered')
  })

  it('resolves a stopped container\'s alert when it starts again or is removed', async () => {
    const h = harness({ facts: () => exited(1) })
    h.ev('die', 1)
    await tick()
    h.ev('start')
    h.ev('die', 1)
    await tick()
    h.ev('destroy')
    expect(h.log).toEqual(['raise container.exited web-app-1', 'resolve container.exited recovered', 'raise container.exited web-app-1', 'resolve container.exited gone'])
  })

  it('raises and resolves unhealthy from health events, and finds an unhealthy container on reconcile', () => {
    const h = harness({ facts: () => running })
    h.ev('health_status: unhealthy')
    h.ev('health_status: healthy')
    h.rules.reconcile([{ id: 'c1', name: 'web-app-1', state: 'running', status: 'Up 3 minutes (unhealthy)', labels }])
    h.rules.reconcile([{ id: 'c1', name: 'web-app-1', state: 'running', status: 'Up 4 minutes (healthy)', labels }])
    expect(h.log).toEqual(['raise container.unhealthy web-app-1', 'resolve container.unhealthy recovered', 'raise container.unhealthy web-app-1', 'resolve container.unhealthy recovered'])
  })

  it('squares alerts left open with the containers as they are after a reconnect', async () => {
    let facts = exited(2)
    const h = harness({ facts: () => facts })
    h.ev('die', 2)
    await tick()
    facts = gone
    h.ev('die', 2)
    await tick()
    h.rules.reconcile([])
    expect(h.log).toEqual(['raise container.exited web-app-1', 'resolve container.exited gone'])
  })
})
