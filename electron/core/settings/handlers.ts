// The settings part of the contract: plain values in SQLite.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { settingsContract } from '../../../shared/contract/settings.js'
import type { SettingsRepo } from '../store/settings-repo.js'

export function settingsHandlers(settings: SettingsRepo): HandlersFor<typeof settingsContract> {
  return {
    'settings.get': async ({ key }) => settings.get(key),
    'settings.set': async ({ key, value }) => settings.set(key, value),
  }
}
