// The forward registry with a real local listener, over a stand-in SSH session (see stand-in-session).

import { createServer } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { EventMap, EventName, ForwardEvent } from '../../../shared/contract/index.js'
import type { SshSession } from '../connection/types.js'
import { Forwards } from './forwards.js'
import { servePage, standInSession } from './stand-in-session.test-support.js'

describe('Forwards', () => {
  let page: Awaited<ReturnType<typeof servePage>>
  let session: SshSession
  let forwards: Forwards
  let events: ForwardEvent[]
  let onEvent: ((e: ForwardEvent) => void) | undefined
  const nextEvent = () => new Promise<ForwardEvent>((resolve) => (onEvent = resolve))

  beforeAll(async () => {
    page = await servePage('the app page')
  })

  afterAll(() => page.close())

  const setUp = () => {
    session = standInSession()
    events = []
    forwards = new Forwards({
      session: async () => session,
      target: async () => ({ host: '127.0.0.1', port: page.port, path: 'admin/', scheme: 'http' }),
      events: {
        emit: <E extends EventName>(event: E, payload: EventMap[E]) => {
          if (event !== 'apps.forward') return
          events.push(payload as ForwardEvent)
          onEvent?.(payload as ForwardEvent)
        },
      },
    })
  }

  afterEach(() => forwards.closeAll('shutdown'))

  it('opens a local page once per app and announces it', async () => {
    setUp()
    const first = await forwards.get('srv', 'blog')
    expect(first.url).toBe(`http://127.0.0.1:${first.localPort}/admin/`)
    expect(await fetch(first.url).then((r) => r.text())).toBe('the app page')
    expect(await forwards.get('srv', 'blog')).toEqual(first)
    expect(events).toEqual([{ ...first, serverId: 'srv', state: 'open' }])
  })

  it('closes on request, says why, and the page is gone', async () => {
    setUp()
    const forward = await forwards.get('srv', 'blog')
    await forwards.close('srv', 'blog', 'stopped')
    expect(events.at(-1)).toEqual({ ...forward, serverId: 'srv', state: 'closed', reason: 'stopped' })
    await expect(fetch(forward.url)).rejects.toThrow()
  })

  it('stays open while the session reconnects', async () => {
    setUp()
    const forward = await forwards.get('srv', 'blog')
    session.emit('state', { serverId: 'srv', state: 'reconnecting', attempt: 1 })
    session.emit('state', { serverId: 'srv', state: 'ready' })
    session.emit('reconnected')
    expect(events.map((e) => e.state)).toEqual(['open'])
    expect(await fetch(forward.url).then((r) => r.text())).toBe('the app page')
  })

  it('closes as connection-lost when the session gives up or is closed', async () => {
    setUp()
    await forwards.get('srv', 'blog')
    let closed = nextEvent()
    session.emit('state', { serverId: 'srv', state: 'offline' })
    expect(await closed).toMatchObject({ app: 'blog', state: 'closed', reason: 'connection-lost' })

    await forwards.get('srv', 'wiki')
    closed = nextEvent()
    session.emit('closed')
    expect(await closed).toMatchObject({ app: 'wiki', state: 'closed', reason: 'connection-lost' })
    expect(session.listenerCount('state') + session.listenerCount('closed')).toBe(0)
  })

  it('closes every forward when the core shuts down', async () => {
    setUp()
    await forwards.get('srv', 'blog')
    await forwards.get('srv', 'wiki')
    await forwards.closeAll('shutdown')
    expect(events.filter((e) => e.state === 'closed').map((e) => [e.app, e.reason]).sort()).toEqual([
      ['blog', 'shutdown'],
      ['wiki', 'shutdown'],
    ])
  })
})

describe('Forwards across a close', () => {
  let page: Awaited<ReturnType<typeof servePage>>
  beforeAll(async () => {
    page = await servePage('the app page')
  })
  afterAll(() => page.close())

  const forwardsFor = () =>
    new Forwards({
      session: async () => standInSession(),
      target: async () => ({ host: '127.0.0.1', port: page.port, path: '/', scheme: 'http' }),
      events: { emit: () => undefined },
    })

  it('reopens an app on the local port it had, so a bookmark keeps working', async () => {
    const forwards = forwardsFor()
    const first = await forwards.get('srv', 'blog')
    await forwards.close('srv', 'blog', 'stopped')
    const again = await forwards.get('srv', 'blog')
    expect(again.url).toBe(first.url)
    expect(await fetch(again.url).then((r) => r.text())).toBe('the app page')
    await forwards.closeAll('shutdown')
  })

  it('takes another port when the old one has been taken meanwhile', async () => {
    const forwards = forwardsFor()
    const first = await forwards.get('srv', 'blog')
    await forwards.close('srv', 'blog', 'stopped')
    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(first.localPort, '127.0.0.1', resolve))
    try {
      const again = await forwards.get('srv', 'blog')
      expect(again.localPort).not.toBe(first.localPort)
      expect(await fetch(again.url).then((r) => r.text())).toBe('the app page')
    } finally {
      await new Promise((resolve) => squatter.close(resolve))
      await forwards.closeAll('shutdown')
    }
  })
})
