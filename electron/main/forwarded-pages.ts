// Which forwarded app pages may leave the window for the system browser: exactly those whose forward is
// open. Learnt from the core's `apps.forward` events, so a forward however it closed (a call, the app
// stopped or removed, the server's connection gone, the core shutting down) leaves the list at once.

import type { EventMap, EventName } from '../../shared/contract/index.js'

export type CoreEventListener = <E extends EventName>(event: E, payload: EventMap[E]) => void

export function trackForwardedPages(allowedOrigins: Set<string>): CoreEventListener {
  return (event, payload) => {
    if (event !== 'apps.forward') return
    const forward = payload as EventMap['apps.forward']
    const origin = new URL(forward.url).origin
    if (forward.state === 'open') allowedOrigins.add(origin)
    else allowedOrigins.delete(origin)
  }
}
