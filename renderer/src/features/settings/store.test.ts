import { describe, expect, it } from 'vitest'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { useSettingsStore } from './store.js'

const bridge = useFakeBridge()

describe('settings store', () => {
  it('follows the OS until a theme is chosen, and persists the choice', async () => {
    bridge.answer('settings.get', undefined)
    bridge.answer('settings.set', undefined)
    const store = useSettingsStore()
    await store.load()
    expect(store.theme).toBe('system')
    expect(store.effectiveTheme('dark')).toBe('dark')
    expect(store.effectiveTheme(null)).toBe('light')

    await store.setTheme('light')
    expect(store.effectiveTheme('dark')).toBe('light')
    expect(bridge.calls.at(-1)).toEqual({ method: 'settings.set', input: { key: 'ui.theme', value: 'light' } })
  })

  it('ignores a stored value that is not a theme', async () => {
    bridge.answer('settings.get', 'purple')
    const store = useSettingsStore()
    await store.load()
    expect(store.theme).toBe('system')
    bridge.answer('settings.get', 'dark')
    await store.load()
    expect(store.theme).toBe('dark')
  })

  it('reads start at login from the core, changes it there, and follows changes made elsewhere', async () => {
    bridge.answer('settings.desktop', { startAtLogin: false })
    bridge.answer('settings.configureDesktop', (input) => ({ startAtLogin: input.startAtLogin ?? false }))
    const store = useSettingsStore()
    await store.loadDesktop()
    expect(store.desktop.startAtLogin).toBe(false)
    await store.setStartAtLogin(true)
    expect(bridge.calls.at(-1)).toEqual({ method: 'settings.configureDesktop', input: { startAtLogin: true } })
    expect(store.desktop.startAtLogin).toBe(true)
    bridge.emit('settings.desktop', { startAtLogin: false })
    expect(store.desktop.startAtLogin).toBe(false)
  })
})
