// apply and its rollback, driven against an in-memory engine: whatever fails, the rollback removes what the
// run created (by the run's label, nothing of another run), puts back the containers it moved aside, and
// the verification against the journal finds the server as it was — or says what is not.

import { getEventListeners } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import type { ComposeProject } from '../types.js'
import { applyPlan, newJournal, type ApplyEvent, type ApplyOptions } from './apply.js'
import { FakeEngine, shopProject } from './fake-engine.test-support.js'
import type { EngineJournal } from './journal.js'
import { planProject } from './plan.js'
import { commitRun, rollbackRun, verifyRun } from './rollback.js'
import { ConditionFailedError } from './wait.js'

const noEnvFiles = async () => undefined
let runs = 0

/** Plans and applies; on failure rolls back from the journal and verifies, as the apps layer does. */
async function apply(engine: FakeEngine, project: ComposeProject, extra: Partial<ApplyOptions> = {}) {
  const { plan, ...opts } = await planProject(engine.docker, project, { readFile: noEnvFiles })
  const journal: EngineJournal = newJournal(`run${++runs}`, plan)
  const events: ApplyEvent[] = []
  try {
    const result = await applyPlan(engine.docker, project, plan, { ...opts, journal, onEvent: (e) => events.push(e), ...extra })
    await commitRun(engine.docker, journal)
    return { result, error: undefined, plan, events, journal, differences: [] as string[] }
  } catch (error) {
    const problems = await rollbackRun(engine.docker, journal, { settleMarginMs: 50, pollMs: 5 })
    const differences = await verifyRun(engine.docker, journal)
    return { result: undefined, error: error as Error, plan, events, journal, differences, problems }
  }
}

/** The engine calls made since `from`, so a test can read what one apply did. */
const callsSince = (engine: FakeEngine, from: number) => engine.calls.slice(from)

describe('apply rolls back', () => {
  it('a create that fails half-way: removes the containers, network and volume it created, and nothing else', async () => {
    const engine = new FakeEngine()
    for (const s of ['a', 'b', 'c']) engine.registry.set(`reg/${s}:1`, { id: `sha256:${s}` })
    // Another app's container and network, and this app's volume kept from an earlier install.
    engine.seedContainer({ name: 'other-web-1', labels: { 'com.docker.compose.project': 'other' }, imageId: 'sha256:other' })
    engine.networks.set('other_default', { 'com.docker.compose.project': 'other' })
    engine.volumes.set('shop_cache', { 'com.docker.compose.project': 'shop', 'com.docker.compose.volume': 'cache' })
    engine.failOnce('create shop-c-1', 'no space left on device')
    const project = shopProject(`
services:
  a: { image: reg/a:1 }
  b: { image: reg/b:1, depends_on: [a] }
  c: { image: reg/c:1, depends_on: [b], volumes: [data:/data, cache:/cache] }
volumes: { data: {}, cache: {} }
`)
    const { error, plan, differences } = await apply(engine, project)

    expect(plan.volumes).toEqual([
      { key: 'data', name: 'shop_data', action: 'create' },
      { key: 'cache', name: 'shop_cache', action: 'keep' },
    ])
    expect(error?.message).toContain('no space left on device')
    expect(differences).toEqual([])
    expect(engine.snapshot()).toEqual({ containers: ['other-web-1 running'], networks: ['other_default'], volumes: ['shop_cache'] })
    expect(engine.calls.filter((c) => c.startsWith('remove')).sort()).toEqual(['remove network shop_default', 'remove shop-a-1', 'remove shop-b-1', 'remove volume shop_data'])
  })

  it("a dependency's condition that times out: the dependency is removed and its dependant never created", async () => {
    const engine = new FakeEngine()
    engine.registry.set('reg/db:1', { id: 'sha256:db', health: 'starting', healthyAfterInspects: Infinity })
    engine.registry.set('reg/web:1', { id: 'sha256:web' })
    const project = shopProject(`
services:
  db: { image: reg/db:1, healthcheck: { test: ["CMD", "true"] } }
  web: { image: reg/web:1, depends_on: { db: { condition: service_healthy } } }
`)
    const { error } = await apply(engine, project, { waitTimeoutMs: 1 })

    expect(error).toBeInstanceOf(ConditionFailedError)
    expect(error?.message).toBe('db did not reach service healthy within 0 s')
    expect(engine.snapshot()).toEqual({ containers: [], networks: [], volumes: [] })
    expect(engine.calls).not.toContain('create shop-web-1')
  })

  it('removes only what its own run created, never a container of another run of the same project', async () => {
    const engine = new FakeEngine()
    engine.registry.set('reg/a:1', { id: 'sha256:a' })
    // Another Homeport's run created this one a moment ago; it carries the project's labels, not this run's.
    engine.seedContainer({ name: 'shop-x-1', labels: { 'com.docker.compose.project': 'shop', 'io.homeport.run': 'someone-else' }, imageId: 'sha256:x' })
    engine.failOnce('create shop-a-1', 'boom')
    const { error } = await apply(engine, shopProject('services:\n  a: { image: reg/a:1 }\n'))

    expect(error?.message).toContain('boom')
    expect(engine.snapshot().containers).toEqual(['shop-x-1 running'])
  })

  it('writes each step to the journal before the engine sees it', async () => {
    const engine = new FakeEngine()
    engine.registry.set('reg/a:1', { id: 'sha256:a' })
    const seen: string[] = []
    const record = async (journal: EngineJournal) => {
      seen.push(journal.steps.map((s) => `${s.op} ${s.name} (engine has it: ${engine.calls.some((c) => c.endsWith(s.name))})`).join(', '))
    }
    const { error } = await apply(engine, shopProject('services:\n  a: { image: reg/a:1 }\n'), { record })

    expect(error).toBeUndefined()
    // The network and the container it needs are written down together, in one write, before either is sent.
    expect(seen).toEqual(['create-network shop_default (engine has it: false), create-container shop-a-1 (engine has it: false)'])
  })

  it('a healthcheck that failed without output is told by its exit code, not as "unhealthy: "', async () => {
    const engine = new FakeEngine()
    engine.registry.set('reg/db:1', { id: 'sha256:db', health: 'unhealthy', healthLog: [{ ExitCode: 1, Output: '\n' }] })
    const { error } = await apply(engine, shopProject('services:\n  db: { image: reg/db:1, healthcheck: { test: ["CMD", "false"] } }\n'), { verify: { pollMs: 1 } })
    expect(error?.message).toBe('db is unhealthy: its healthcheck failed with exit code 1 and printed nothing')
  })

  describe('a recreate', () => {
    const version = (image: string, grace = '') =>
      shopProject(`
services:
  db: { image: reg/db:1 }
  web: { image: ${image}, depends_on: [db]${grace} }
`)

    async function installed(grace = ''): Promise<{ engine: FakeEngine; oldWeb: string; from: number }> {
      const engine = new FakeEngine()
      engine.registry.set('reg/db:1', { id: 'sha256:db' })
      engine.registry.set('reg/web:1', { id: 'sha256:web1' })
      const { error } = await apply(engine, version('reg/web:1', grace))
      expect(error).toBeUndefined()
      const oldWeb = [...engine.containers.values()].find((c) => c.name === 'shop-web-1')!.id
      return { engine, oldWeb, from: engine.calls.length }
    }

    it('whose replacement fails puts the moved-aside container back under its name, running, and leaves the rest alone', async () => {
      const { engine, oldWeb, from } = await installed()
      engine.registry.set('reg/web:2', { id: 'sha256:web2', exitsWith: 3 })
      const { error, plan, differences } = await apply(engine, version('reg/web:2'), { verify: { pollMs: 1, settleMs: 1 } })

      expect(plan.containers.map((c) => [c.service, c.action])).toEqual([
        ['db', 'keep'],
        ['web', 'recreate'],
      ])
      expect(error?.message).toBe('web stopped (exit code 3) before it was ready')
      expect(callsSince(engine, from)).toEqual([
        'pull reg/web:2',
        'stop shop-web-1',
        'rename shop-web-1 → shop-web-1-homeport-previous',
        'create shop-web-1',
        'start shop-web-1',
        'remove shop-web-1',
        'rename shop-web-1-homeport-previous → shop-web-1',
        'start shop-web-1',
      ])
      expect(differences).toEqual([])
      expect(engine.snapshot()).toEqual({ containers: ['shop-db-1 running', 'shop-web-1 running'], networks: ['shop_default'], volumes: [] })
      expect([...engine.containers.values()].find((c) => c.name === 'shop-web-1')?.id).toBe(oldWeb)
    })

    it('that succeeds removes the moved-aside container', async () => {
      const { engine, oldWeb } = await installed()
      engine.registry.set('reg/web:2', { id: 'sha256:web2' })
      const { error, result } = await apply(engine, version('reg/web:2'), { verify: { pollMs: 1, settleMs: 1 } })

      expect(error).toBeUndefined()
      expect(result).toEqual({ created: [], recreated: ['shop-web-1'], started: [], removed: [] })
      expect(engine.snapshot().containers).toEqual(['shop-db-1 running', 'shop-web-1 running'])
      expect(engine.containers.has(oldWeb)).toBe(false)
    })

    it('cut off while the old container is stopping: waits for the stop the engine still carries out, then starts it again', async () => {
      const { engine, oldWeb } = await installed(', stop_grace_period: 0s')
      engine.registry.set('reg/web:2', { id: 'sha256:web2' })
      // The connection drops while the stop is under way: the answer is lost, the engine stops web 30 ms later.
      engine.loseAnswerOnce('stop shop-web-1', 30)
      const { error, differences } = await apply(engine, version('reg/web:2', ', stop_grace_period: 0s'))

      expect(error?.message).toBe('socket hang up')
      expect(differences).toEqual([])
      // Well after the engine carried the stop out, web still runs: the rollback started it after the stop.
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(engine.snapshot().containers).toEqual(['shop-db-1 running', 'shop-web-1 running'])
      expect([...engine.containers.values()].find((c) => c.name === 'shop-web-1')?.id).toBe(oldWeb)
    })

    it('says what is not as before when a container cannot be given back', async () => {
      const { engine, oldWeb } = await installed()
      engine.registry.set('reg/web:2', { id: 'sha256:web2', exitsWith: 1 })
      engine.failOnce('rename shop-web-1-homeport-previous → shop-web-1', 'name conflict')
      const { error, differences, problems } = await apply(engine, version('reg/web:2'), { verify: { pollMs: 1, settleMs: 1 } })

      expect(error).toBeDefined()
      expect(problems).toEqual([expect.stringContaining('rename shop-web-1-homeport-previous back to shop-web-1')])
      expect(differences).toEqual(['container shop-web-1 is named shop-web-1-homeport-previous'])
      expect(engine.containers.get(oldWeb)?.running).toBe(true)
    })
  })

  it('a container started meanwhile ("already started", 304) is not a failure', async () => {
    const engine = new FakeEngine()
    engine.registry.set('reg/a:1', { id: 'sha256:a' })
    const first = await apply(engine, shopProject('services:\n  a: { image: reg/a:1 }\n'))
    expect(first.error).toBeUndefined()
    const a = [...engine.containers.values()][0]
    a.running = false
    const project = shopProject('services:\n  a: { image: reg/a:1 }\n')
    const { plan, ...opts } = await planProject(engine.docker, project, { readFile: noEnvFiles })
    expect(plan.containers.map((c) => c.action)).toEqual(['start'])
    a.running = true
    await expect(applyPlan(engine.docker, project, plan, { ...opts, journal: newJournal('run-304', plan) })).resolves.toMatchObject({ started: ['shop-a-1'] })
  })
})

describe("apply and the job's abort signal", () => {
  const warnings: Error[] = []
  const onWarning = (w: Error) => warnings.push(w)
  afterEach(() => void process.off('warning', onWarning))

  it('leaves no listener on the signal however many polls and pulls a run makes, so Node prints no warning', async () => {
    process.on('warning', onWarning)
    const engine = new FakeEngine()
    const services = Array.from({ length: 12 }, (_, i) => `s${i}`)
    for (const s of services) engine.registry.set(`reg/${s}:1`, { id: `sha256:${s}`, health: 'starting', healthyAfterInspects: 15 })
    const project = shopProject(`services:\n${services.map((s) => `  ${s}: { image: reg/${s}:1, healthcheck: { test: ["CMD", "true"] } }`).join('\n')}\n`)
    const job = new AbortController()

    const { error, result } = await apply(engine, project, { signal: job.signal, verify: { pollMs: 1 } })
    await new Promise((resolve) => setImmediate(resolve)) // warnings are emitted on the next tick

    expect(error).toBeUndefined()
    expect(result?.created).toHaveLength(12)
    expect(getEventListeners(job.signal, 'abort')).toEqual([])
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
  })
})
