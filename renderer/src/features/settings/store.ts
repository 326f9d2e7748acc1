import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { DesktopSettingsDto } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'

export type ThemePreference = 'system' | 'light' | 'dark'
const THEME_KEY = 'ui.theme'

function isThemePreference(value: unknown): value is ThemePreference {
  return value === 'system' || value === 'light' || value === 'dark'
}

export const useSettingsStore = defineStore('settings', () => {
  const api = useApi()
  const theme = ref<ThemePreference>('system')
  /** The desktop app's settings; the core keeps them, the desktop app applies them (start at login). */
  const desktop = ref<DesktopSettingsDto>({ startAtLogin: false })

  // Another window, the web host or the CLI may change them too.
  api.on('settings.desktop', (next) => {
    desktop.value = next
  })

  async function loadDesktop(): Promise<void> {
    desktop.value = await api.call('settings.desktop', {})
  }

  async function setStartAtLogin(on: boolean): Promise<void> {
    desktop.value = await api.call('settings.configureDesktop', { startAtLogin: on })
  }

  async function load(): Promise<void> {
    const stored = await api.call('settings.get', { key: THEME_KEY })
    if (isThemePreference(stored)) theme.value = stored
  }

  async function setTheme(next: ThemePreference): Promise<void> {
    theme.value = next
    await api.call('settings.set', { key: THEME_KEY, value: next })
  }

  /** Resolves the preference against the OS setting ('light' | 'dark' | null from the OS). */
  function effectiveTheme(os: 'light' | 'dark' | null | undefined): 'light' | 'dark' {
    if (theme.value === 'system') return os === 'dark' ? 'dark' : 'light'
    return theme.value
  }

  return { theme, desktop, load, setTheme, effectiveTheme, loadDesktop, setStartAtLogin }
})
