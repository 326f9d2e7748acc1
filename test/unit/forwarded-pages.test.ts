// The window's list of forwarded pages that may open in the system browser, fed by the events of the real
// forward registry (over a stand-in SSH session whose channels are local TCP connections).

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventMap, EventName, ForwardEvent } from '../../shared/contract/index.js'
import { Forwards } from '../../electron/core/apps/forwards.js'
import { servePage, standInSession } from '../../electron/core/apps/stand-in-session.test-support.js'
import { trackForwardedPages } from '../../electron/main/forwarded-pages.js'
import { isAllowedExternalUrl } from '../../electron/main/trusted-urls.js'

describe('forwarded pages', () => {
  let page: Awaited<ReturnType<typeof servePage>>
  beforeAll(async () => {
    page = await servePage('the app page')
  })
  afterAll(() => page.close())

  const setUp = () => {
    const origins = new Set<string>()
    const session = standInSession()
    const track = trackForwardedPages(origins)
    const closed: ForwardEvent[] = []
    let onClosed = () => {}
    /** Resolves once `count` forwards have closed in all. */
    const closedCount = (count: number) => new Promise<void>((resolve) => (onClosed = () => closed.length >= count && resolve()))
    const emit = <E extends EventName>(event: E, payload: EventMap[E]) => {
      track(event, payload)
      if (event === 'apps.forward' && (payload as ForwardEvent).state === 'closed') {
        closed.push(payload as ForwardEvent)
        onClosed()
      }
    }
    const forwards = new Forwards({
      session: async () => session,
      target: async () => ({ host: '127.0.0.1', port: page.port, path: '/', scheme: 'http' }),
      events: { emit },
    })
    return { origins, session, forwards, closedCount }
  }

  it('allows a page while its forward is open, and only that page', async () => {
    const { origins, forwards } = setUp()
    const { url } = await forwards.get('srv', 'blog')
    expect(isAllowedExternalUrl(`${url}admin`, origins)).toBe(true)
    expect(isAllowedExternalUrl('file:///etc/passwd', origins)).toBe(false)
    expect(isAllowedExternalUrl(url.replace('http://', 'http://user:pw@'), origins)).toBe(false)
    expect(isAllowedExternalUrl('http://127.0.0.1:9/', origins)).toBe(false)
    await forwards.close('srv', 'blog')
    expect(isAllowedExternalUrl(url, origins)).toBe(false)
  })

  it.each(['stopped', 'removed', 'shutdown'] as const)('drops the page when the forward closes because the app was %s', async (reason) => {
    const { origins, forwards } = setUp()
    const { url } = await forwards.get('srv', 'blog')
    await forwards.closeAll(reason)
    expect(isAllowedExternalUrl(url, origins)).toBe(false)
  })

  it("drops the page when the server's SSH session is gone, though no one called anything", async () => {
    const { origins, session, forwards, closedCount } = setUp()
    const { url } = await forwards.get('srv', 'blog')
    const other = await forwards.get('srv', 'wiki')
    session.emit('state', { serverId: 'srv', state: 'reconnecting', attempt: 1 })
    expect(isAllowedExternalUrl(url, origins)).toBe(true)
    const bothClosed = closedCount(2)
    session.emit('state', { serverId: 'srv', state: 'offline' })
    await bothClosed
    expect(isAllowedExternalUrl(url, origins)).toBe(false)
    expect(isAllowedExternalUrl(other.url, origins)).toBe(false)
  })
})
