// The settings part of the contract: plain values in SQLite, and the desktop app's typed settings.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { settingsContract } from '../../../shared/contract/settings.js'
import type { EventSink } from '../runtime/types.js'
import type { SettingsRepo } from '../store/settings-repo.js'
import { DesktopSettings } from './desktop-settings.js'

export function settingsHandlers(settings: SettingsRepo, events: EventSink): HandlersFor<typeof settingsContract> {
  const desktop = new DesktopSettings(settings, events)
  return {
    'settings.get': async ({ key }) => settings.get(key),
    'settings.set': async ({ key, value }) => settings.set(key, value),
    'settings.desktop': async () => desktop.get(),
    'settings.configureDesktop': async (patch) => desktop.configure(patch),
  }
}
