// Keeps the tray's state current: recomputed (once per burst of changes) when alerts, connection states or
// app lists change, and pushed as `tray.state` only when it differs from the last one.

import type { TrayStateDto } from '../../../shared/contract/index.js'
import type { EventSink } from '../runtime/types.js'
import type { AlertCenter } from './alert-center.js'
import type { AlertPrefs } from './alert-prefs.js'
import { trayState, type TrayServerInput } from './tray-presenter.js'

export class TrayFeed {
  private last = ''
  private pending = false

  constructor(
    private readonly center: AlertCenter,
    private readonly prefs: AlertPrefs,
    private readonly servers: () => TrayServerInput[],
    private readonly events: EventSink,
    private readonly now: () => number = Date.now,
  ) {
    center.onChange(() => this.refresh())
  }

  current(): TrayStateDto {
    return trayState(this.servers(), this.center.openAlerts(), this.prefs.get(), this.center.summary().unread, this.now())
  }

  /** Something the tray shows may have changed. */
  refresh(): void {
    if (this.pending) return
    this.pending = true
    queueMicrotask(() => {
      this.pending = false
      const state = this.current()
      const text = JSON.stringify(state)
      if (text === this.last) return
      this.last = text
      this.events.emit('tray.state', state)
    })
  }
}
