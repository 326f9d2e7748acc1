// Where clicking an alert leads, as a route of the window's hash router. Shared, so an OS notification, the
// tray and the in-app notification centre all open the same page for the same alert.

import type { AlertTarget } from './contract/alerts.js'

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
    // The job's page shows its progress and its log.
    case 'job':
      return `/jobs/${seg(target.jobId)}`
  }
}
