// Which core events deserve an OS notification. Pure, so the rules are tested without Electron.

import type { EventMap, EventName } from '../../shared/contract/index.js'

export interface OsNotification {
  title: string
  body: string
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
    case 'server.state': {
      const state = payload as EventMap['server.state']
      if (state.state === 'offline' && state.error) return { title: 'Homeport: server offline', body: state.error.message }
      return undefined
    }
    default:
      return undefined
  }
}
