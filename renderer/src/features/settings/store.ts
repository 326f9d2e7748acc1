import { defineStore } from 'pinia'
import { ref } from 'vue'
import { useApi } from '../../api/client.js'

export type ThemePreference = 'system' | 'light' | 'dark'
const THEME_KEY = 'ui.theme'

function isThemePreference(value: unknown): value is ThemePreference {
  return value === 'system' || value === 'light' || value === 'dark'
}

export const useSettingsStore = defineStore('settings', () => {
  const api = useApi()
  const theme = ref<ThemePreference>('system')

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

  return { theme, load, setTheme, effectiveTheme }
})
