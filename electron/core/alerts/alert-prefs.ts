// Mutes and do-not-disturb, kept in the settings table, so every front end (and the CLI) sees the same ones.
// Mutes and do-not-disturb that ran out are dropped whenever the preferences are written.

import type { AlertPrefsDto, MuteDto } from '../../../shared/contract/index.js'
import type { SettingsRepo } from '../store/settings-repo.js'
import { currentPrefs } from './notification-presenter.js'

const KEY = 'alerts.prefs'

function parse(value: unknown): AlertPrefsDto {
  const v = (value ?? {}) as Partial<AlertPrefsDto>
  const mutes = Array.isArray(v.mutes) ? v.mutes.filter((m): m is MuteDto => typeof m?.serverId === 'string') : []
  return { ...(typeof v.doNotDisturbUntil === 'string' ? { doNotDisturbUntil: v.doNotDisturbUntil } : {}), mutes }
}

/** "Until turned off" is stored as a date far ahead, so one comparison serves both. */
const FOREVER = '9999-12-31T23:59:59.999Z'

export class AlertPrefs {
  constructor(
    private readonly settings: SettingsRepo,
    private readonly now: () => number = Date.now,
  ) {}

  get(): AlertPrefsDto {
    return currentPrefs(parse(this.settings.get(KEY)), this.now())
  }

  private write(prefs: AlertPrefsDto): AlertPrefsDto {
    const clean = currentPrefs(prefs, this.now())
    this.settings.set(KEY, clean)
    return clean
  }

  private until(minutes?: number): string {
    return minutes === undefined ? FOREVER : new Date(this.now() + minutes * 60_000).toISOString()
  }

  mute(serverId: string, app: string | undefined, minutes?: number): AlertPrefsDto {
    const prefs = this.get()
    const others = prefs.mutes.filter((m) => !(m.serverId === serverId && m.app === app))
    const mute: MuteDto = { serverId, ...(app ? { app } : {}), ...(minutes !== undefined ? { until: this.until(minutes) } : {}) }
    return this.write({ ...prefs, mutes: [...others, mute] })
  }

  unmute(serverId: string, app: string | undefined): AlertPrefsDto {
    const prefs = this.get()
    return this.write({ ...prefs, mutes: prefs.mutes.filter((m) => !(m.serverId === serverId && m.app === app)) })
  }

  doNotDisturb(on: boolean, minutes?: number): AlertPrefsDto {
    const { doNotDisturbUntil: _old, ...rest } = this.get()
    return this.write(on ? { ...rest, doNotDisturbUntil: this.until(minutes) } : rest)
  }
}
