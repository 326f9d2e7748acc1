// The alerts part of the contract: the history, resolving, read state, mutes, do-not-disturb and the tray.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { alertsContract } from '../../../shared/contract/alerts.js'
import type { AlertCenter } from './alert-center.js'
import type { AlertPrefs } from './alert-prefs.js'
import type { AlertsRepo } from '../store/alerts-repo.js'
import type { TrayFeed } from './tray-feed.js'

export interface AlertsHandlersDeps {
  center: AlertCenter
  repo: AlertsRepo
  prefs: AlertPrefs
  tray: TrayFeed
  idOf: (idOrName: string) => string
}

export function alertsHandlers({ center, repo, prefs, tray, idOf }: AlertsHandlersDeps): HandlersFor<typeof alertsContract> {
  /** A preference changed what the tray and the badge count. */
  const after = <T>(value: T): T => {
    center.changed()
    tray.refresh()
    return value
  }
  return {
    'alerts.list': async ({ serverId, state, limit, before }) => repo.list({ ...(serverId ? { serverId: idOf(serverId) } : {}), state, limit, ...(before ? { before } : {}) }),
    'alerts.get': async ({ id }) => center.get(id),
    'alerts.resolve': async ({ id }) => center.dismiss(id),
    'alerts.markRead': async ({ ids }) => center.markRead(ids),
    'alerts.summary': async () => center.summary(),
    'alerts.prefs': async () => prefs.get(),
    'alerts.mute': async ({ serverId, app, minutes }) => after(prefs.mute(idOf(serverId), app, minutes)),
    'alerts.unmute': async ({ serverId, app }) => after(prefs.unmute(idOf(serverId), app)),
    'alerts.doNotDisturb': async ({ on, minutes }) => after(prefs.doNotDisturb(on, minutes)),
    'alerts.tray': async () => tray.current(),
  }
}
