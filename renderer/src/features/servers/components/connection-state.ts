import type { ServerStateEvent } from '../../../../../shared/contract/index.js'

export interface StateLabel {
  text: string
  tone: 'ok' | 'busy' | 'idle' | 'error'
}

/** Words for a connection state: the dot's colour is never the only signal. */
export function describeState(state: ServerStateEvent): StateLabel {
  switch (state.state) {
    case 'ready':
      return { text: 'Connected', tone: 'ok' }
    case 'connecting':
      return { text: 'Connecting…', tone: 'busy' }
    case 'reconnecting': {
      const attempt = state.attempt ? ` (attempt ${state.attempt})` : ''
      return { text: `Reconnecting${attempt}…`, tone: 'busy' }
    }
    case 'offline':
      return state.error ? { text: 'Offline — error', tone: 'error' } : { text: 'Offline', tone: 'idle' }
  }
}
