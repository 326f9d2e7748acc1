// Which core events become an OS notification. Pure, so the rules are tested without Electron. Alerts are
// decided by the core (`alert.notify`: mutes, do-not-disturb, rate limits); a server that went away is one of
// them (unreachable past its grace period), so a connection state change is never a notification here.

import type { EventMap, EventName } from '../../shared/contract/index.js'
import { alertRoute } from './alert-route.js'

export interface OsNotification {
  title: string
  body: string
  silent?: boolean
  /** The renderer route a click opens; absent: the window as it is. */
  route?: string
}

export function notificationForEvent<E extends EventName>(event: E, payload: EventMap[E]): OsNotification | undefined {
  switch (event) {
    case 'secrets.warning': {
      const warning = payload as EventMap['secrets.warning']
      return { title: 'Homeport: keychain unavailable', body: `${warning.message} ${warning.hint}` }
    }
    case 'prompt.request': {
      // A question while the window is hidden in the tray would otherwise wait unseen.
      const prompt = payload as EventMap['prompt.request']
      return { title: prompt.title, body: prompt.message }
    }
    case 'alert.notify': {
      const n = payload as EventMap['alert.notify']
      return { title: n.title, body: n.body, silent: n.silent, route: alertRoute(n.target) }
    }
    default:
      return undefined
  }
}
