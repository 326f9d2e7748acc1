// apply's rollback, driven against an in-memory engine: whatever fails, the server ends as it was — the
// containers, networks and volumes this run created are gone, a container moved aside for a recreate is
// back under its name and running, and nothing that was there before is touched.

import { getEventListeners } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import type { ComposeProject } from '../types.js'
import { applyPlan, type ApplyEvent, type ApplyOptions } from './apply.js'
import { FakeEngine, shopProject } from './fake-engine.test-support.js'
import { planProject } from './plan.js'
import { ConditionFailedError } from './wait.js'

const noEnvFiles = async () => undefined

async function apply(engine: FakeEngine, project: ComposeProject, extra: Partial<ApplyOptions> = {}) {
  const { plan, ...opts } = await planProject(engine.docker, project, { readFile: noEnvFiles })
  const events: ApplyEvent[] = []
  const outcome = await applyPlan(engine.docker, project, plan, { ...opts, onEvent: (e) => events.push(e), ...extra }).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error: error as Error }),
  )
  return { ...outcome, plan, events }
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
    const { error, plan, events } = await apply(engine, project)

    expect(plan.volumes).toEqual([
      { key: 'data', name: 'shop_data', action: 'create' },
      { key: 'cache', name: 'shop_cache', action: 'keep' },
    ])
    expect(error?.message).toContain('no space left on device')
    expect(events.at(-1)).toEqual({ phase: 'rollback', message: expect.stringContaining('no space left on device') })
    expect(engine.snapshot()).toEqual({ containers: ['other-web-1 running'], networks: ['other_default'], volumes: ['shop_cache'] })
    expect(engine.calls.filter((c) => c.startsWith('remove'))).toEqual(['remove shop-b-1', 'remove shop-a-1', 'remove network shop_default', 'remove volume shop_data'])
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
    expect(engine.calls.filter((c) => c.startsWith('remove'))).toEqual(['remove shop-db-1', 'remove network shop_default'])
  })

  describe('a recreate', () => {
    const version = (image: string) =>
      shopProject(`
services:
  db: { image: reg/db:1 }
  web: { image: ${image}, depends_on: [db] }
`)

    async function installed(): Promise<{ engine: FakeEngine; oldWeb: string; from: number }> {
      const engine = new FakeEngine()
      engine.registry.set('reg/db:1', { id: 'sha256:db' })
      engine.registry.set('reg/web:1', { id: 'sha256:web1' })
      const { error } = await apply(engine, version('reg/web:1'))
      expect(error).toBeUndefined()
      const oldWeb = [...engine.containers.values()].find((c) => c.name === 'shop-web-1')!.id
      return { engine, oldWeb, from: engine.calls.length }
    }

    it('whose replacement fails puts the moved-aside container back under its name, running, and leaves the rest alone', async () => {
      const { engine, oldWeb, from } = await installed()
      engine.registry.set('reg/web:2', { id: 'sha256:web2', exitsWith: 3 })
      const { error, plan } = await apply(engine, version('reg/web:2'), { verify: { pollMs: 1, settleMs: 1 } })

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
