// The engine's images, volumes and networks through the assembled core against the test server: sizes from
// Docker's own disk usage, the containers that use each, the preview of what is unused, and removal that
// refuses what is in use and removes exactly what it was given — checked on the engine afterwards.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useHomeServer } from '../../homeserver/helpers.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'
import { docker, exists, makeEngineThings, removeEngineThings, type EngineThings } from './engine-fixture.js'

const hs = useHomeServer()
const PREFIX = `hpeng${process.pid}`
const serverId = 'home'

describe('engine objects through the core', () => {
  let t: TestCore
  let things: EngineThings
  let imageId: string

  beforeAll(async () => {
    things = await makeEngineThings(hs, PREFIX)
    imageId = await docker(['image', 'inspect', '--format', '{{.Id}}', things.image])
    t = await openTestCore()
    await t.call('servers.add', homeServerInput(hs))
  }, 120_000)

  afterAll(async () => {
    await t?.close()
    await removeEngineThings(PREFIX, things)
  })

  it('lists images, volumes and networks with their sizes and users', async () => {
    const image = (await t.call('engine.images', { serverId })).find((i) => i.id === imageId)
    expect(image).toMatchObject({ tags: [things.image], users: [] })
    expect(image!.size - image!.sharedSize).toBeGreaterThanOrEqual(3_000_000)

    const volume = (await t.call('engine.volumes', { serverId })).find((v) => v.name === things.volume)
    expect(volume).toMatchObject({ driver: 'local', users: [] })
    expect(volume!.size).toBeGreaterThanOrEqual(2_000_000)

    const networks = await t.call('engine.networks', { serverId })
    expect(networks.find((n) => n.name === things.network)).toMatchObject({ driver: 'bridge', builtIn: false, users: [] })
    expect(networks.find((n) => n.name === 'bridge')).toMatchObject({ builtIn: true })

    // A stopped container still uses what it was made with.
    await docker(['create', '--name', `${PREFIX}-user`, '--network', things.network, '-v', `${things.volume}:/data`, things.image, 'true'])
    const [images, volumes, nets] = await Promise.all([t.call('engine.images', { serverId }), t.call('engine.volumes', { serverId }), t.call('engine.networks', { serverId })])
    const user = { name: `${PREFIX}-user`, state: 'created' }
    expect(images.find((i) => i.id === imageId)?.users).toEqual([expect.objectContaining(user)])
    expect(volumes.find((v) => v.name === things.volume)?.users).toEqual([expect.objectContaining(user)])
    expect(nets.find((n) => n.name === things.network)?.users).toEqual([expect.objectContaining(user)])
  })

  it('refuses to remove what a container uses, and leaves it on the engine', async () => {
    const result = await t.call('engine.remove', { serverId, items: [{ kind: 'image', ref: imageId }, { kind: 'volume', ref: things.volume }, { kind: 'network', ref: things.network }, { kind: 'network', ref: 'bridge' }] })
    expect(result.removed).toEqual([])
    expect(result.failed.map((f) => [f.kind, f.error.split(':')[0]])).toEqual([
      ['image', `In use by ${PREFIX}-user`],
      ['volume', `In use by ${PREFIX}-user`],
      ['network', `In use by ${PREFIX}-user`],
      ['network', "bridge is one of Docker's own networks; it is never removed."],
    ])
    for (const [kind, ref] of [['image', things.image], ['volume', things.volume], ['network', things.network]] as const) expect(await exists(kind, ref)).toBe(true)
    await docker(['rm', `${PREFIX}-user`])
  })

  it('shows what is unused with what it frees, then removes exactly those items', async () => {
    const unused = await t.call('engine.unused', { serverId, kinds: ['image', 'volume', 'network'] })
    const mine = unused.items.filter((i) => i.ref === imageId || i.ref === things.volume || i.label === things.network)
    expect(mine.map((i) => i.kind).sort()).toEqual(['image', 'network', 'volume'])
    expect(mine.find((i) => i.kind === 'image')).toMatchObject({ label: things.image })
    expect(mine.find((i) => i.kind === 'image')!.size).toBeGreaterThanOrEqual(3_000_000)
    expect(mine.find((i) => i.kind === 'volume')!.size).toBeGreaterThanOrEqual(2_000_000)
    // Nothing that a container uses is offered: the running test container's image, say.
    const running = await docker(['inspect', '--format', '{{.Image}}', things.container])
    expect(unused.items.some((i) => i.ref === running)).toBe(false)

    const usageBefore = await t.call('engine.usage', { serverId })
    expect(usageBefore.volumes.reclaimable).toBeGreaterThanOrEqual(2_000_000)
    const result = await t.call('engine.remove', { serverId, items: mine.map(({ kind, ref }) => ({ kind, ref })) })
    expect(result.failed).toEqual([])
    expect(result.removed.map((r) => r.kind).sort()).toEqual(['image', 'network', 'volume'])
    expect(result.bytesFreed).toBeGreaterThanOrEqual(5_000_000)
    for (const [kind, ref] of [['image', things.image], ['volume', things.volume], ['network', things.network]] as const) expect(await exists(kind, ref)).toBe(false)
    // Everything else the engine held is still there.
    expect(await exists('container', things.container)).toBe(true)
    expect(await exists('image', hs.images[0])).toBe(true)
  })

  it('says so when asked to remove something that is not there', async () => {
    const result = await t.call('engine.remove', { serverId, items: [{ kind: 'volume', ref: `${PREFIX}-never` }] })
    expect(result.removed).toEqual([])
    expect(result.failed[0].error).toMatch(/There is no volume ".*-never" on home/)
    expect((await t.refused('engine.remove', { serverId, items: [] })).code).toBe('INVALID_INPUT')
    expect((await t.refused('engine.unused', { serverId, kinds: ['disk'] })).code).toBe('INVALID_INPUT')
  })

  it('reports disk usage as docker system df does', async () => {
    // The docker CLI's own figures, read at the same moment (polled: other files add and remove images meanwhile).
    const cliCounts = async () =>
      Object.fromEntries(
        (await docker(['system', 'df', '--format', '{{json .}}'])).split('\n').map((l) => JSON.parse(l) as { Type: string; TotalCount: number | string }).map((l) => [l.Type, Number(l.TotalCount)]),
      )
    await expect
      .poll(async () => {
        const [ours, theirs] = await Promise.all([t.call('engine.usage', { serverId }), cliCounts()])
        return [ours.images.count, ours.volumes.count, ours.containers.count].join() === [theirs.Images, theirs['Local Volumes'], theirs.Containers].join()
      }, { timeout: 60_000 })
      .toBe(true)
    const usage = await t.call('engine.usage', { serverId })
    expect(usage.images.size).toBeGreaterThan(0)
    expect(usage.containers.active).toBeGreaterThanOrEqual(1)
    for (const line of Object.values(usage)) expect(line.reclaimable).toBeLessThanOrEqual(line.size)
  })
})
