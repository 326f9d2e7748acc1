// The words the window uses for an app's or a container's state: what a person would say, not Docker's or
// Compose's terms ("partial", "not-created", "managed").

const STATE_WORDS: Record<string, string> = {
  running: 'Running',
  partial: 'Partly running',
  stopped: 'Stopped',
  exited: 'Stopped',
  created: 'Created, not started',
  'not-created': 'No containers',
  restarting: 'Restarting',
  paused: 'Paused',
  dead: 'Failed to stop',
  removing: 'Being removed',
  unknown: 'Unknown while disconnected',
}

export function stateWords(state: string): string {
  return STATE_WORDS[state] ?? state.charAt(0).toUpperCase() + state.slice(1)
}

export const HEALTH_WORDS = { healthy: 'Healthy', unhealthy: 'Failing its health check', starting: 'Health check pending' } as const

export const ORIGIN_WORDS = { managed: 'Installed by Homeport', found: 'Started outside Homeport' } as const
