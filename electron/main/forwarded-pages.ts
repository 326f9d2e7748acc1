// Which forwarded app pages may leave the window for the system browser: exactly those whose forward the
// window opened through `apps.open`, and only until it is closed (or the app stopped or removed).

import type { Dispatch } from '../core/runtime/dispatch.js'

const CLOSING = new Set(['apps.closeForward', 'apps.stop', 'apps.remove'])

export function trackForwardedPages(dispatch: Dispatch, allowedOrigins: Set<string>): Dispatch {
  const byApp = new Map<string, string>()
  return async (method, input, ctx) => {
    const result = await dispatch(method, input, ctx)
    if (!result.ok) return result
    const { serverId, app } = (input ?? {}) as { serverId?: string; app?: string }
    const key = `${serverId}/${app}`
    if (method === 'apps.open') {
      const origin = new URL((result.value as { url: string }).url).origin
      byApp.set(key, origin)
      allowedOrigins.add(origin)
    } else if (typeof method === 'string' && CLOSING.has(method)) {
      const origin = byApp.get(key)
      byApp.delete(key)
      if (origin) allowedOrigins.delete(origin)
    }
    return result
  }
}
