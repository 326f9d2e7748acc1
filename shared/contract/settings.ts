// App settings: plain JSON values by key, kept in the core's SQLite store (never secrets), and the desktop
// app's own settings, typed, so Electron's main process can apply them when they change.

import { z } from 'zod'
import { event, method, out } from './define.js'

export interface DesktopSettingsDto {
  /** The desktop app starts (in the tray, without a window) when the person logs in. */
  startAtLogin: boolean
}

export const settingsContract = {
  'settings.get': method(z.object({ key: z.string().min(1) }), out<unknown>()),
  'settings.set': method(z.object({ key: z.string().min(1), value: z.unknown() }), out<void>()),
  'settings.desktop': method(z.object({}), out<DesktopSettingsDto>()),
  'settings.configureDesktop': method(z.object({ startAtLogin: z.boolean().optional() }), out<DesktopSettingsDto>()),
} as const

export const settingsEvents = {
  /** Every change of the desktop settings, from any front end; the desktop app applies it. */
  'settings.desktop': event<DesktopSettingsDto>(),
} as const
