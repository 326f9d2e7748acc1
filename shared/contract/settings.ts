// App settings: plain JSON values by key, kept in the core's SQLite store (never secrets).

import { z } from 'zod'
import { method, out } from './define.js'

export const settingsContract = {
  'settings.get': method(z.object({ key: z.string().min(1) }), out<unknown>()),
  'settings.set': method(z.object({ key: z.string().min(1), value: z.unknown() }), out<void>()),
} as const
