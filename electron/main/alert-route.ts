// Where the window goes when an alert's notification (or a tray entry) is clicked: a route of the renderer's
// hash router. Pure, so the mapping is tested without Electron.

import type { AlertTarget } from '../../shared/contract/index.js'

const seg = (value: string) => encodeURIComponent(value)

export function alertRoute(target: AlertTarget): string {
  switch (target.kind) {
    case 'app':
      return `/servers/${seg(target.serverId)}/apps/${seg(target.app)}`
    // A container outside an app has no page of its own; the apps page lists it.
    case 'container':
      return `/servers/${seg(target.serverId)}/apps`
    case 'server':
      return `/servers/${seg(target.serverId)}`
    // Jobs have no page yet: their server's page shows what they did.
    case 'job':
      return target.serverId ? `/servers/${seg(target.serverId)}` : '/'
  }
}

/** The script that moves the loaded renderer to `route` without reloading it. */
export function navigateScript(route: string): string {
  return `location.hash = ${JSON.stringify(`#${route}`)}`
}
