// The desktop app's settings (start at login), kept in the settings table and announced on every change, so
// Electron's main process applies what any front end (the window, the web host, the CLI) decided.

import type { DesktopSettingsDto } from '../../../shared/contract/index.js'
import type { EventSink } from '../runtime/types.js'
import type { SettingsRepo } from '../store/settings-repo.js'

const KEY = 'desktop'

export const DESKTOP_DEFAULTS: DesktopSettingsDto = { startAtLogin: false }

export class DesktopSettings {
  constructor(
    private readonly settings: SettingsRepo,
    private readonly events: EventSink,
  ) {}

  get(): DesktopSettingsDto {
    const stored = (this.settings.get(KEY) ?? {}) as Partial<DesktopSettingsDto>
    return { startAtLogin: typeof stored.startAtLogin === 'boolean' ? stored.startAtLogin : DESKTOP_DEFAULTS.startAtLogin }
  }

  configure(patch: Partial<DesktopSettingsDto>): DesktopSettingsDto {
    const next = { ...this.get(), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) }
    this.settings.set(KEY, next)
    this.events.emit('settings.desktop', next)
    return next
  }
}
