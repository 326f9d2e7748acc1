// Interactive terminals in an app's container: output and exit arrive as events for the terminal id.

import { z } from 'zod'
import { AppRef } from './apps.js'
import { event, method, out } from './define.js'

const terminalId = z.string().min(1)

export const terminalContract = {
  'terminal.open': method(AppRef.extend({ service: z.string().min(1), cols: z.number().int().min(10).max(1000).default(80), rows: z.number().int().min(5).max(500).default(24), command: z.array(z.string()).optional() }), out<{ terminalId: string }>()),
  'terminal.input': method(z.object({ terminalId, data: z.string() }), out<void>()),
  'terminal.resize': method(z.object({ terminalId, cols: z.number().int().min(10).max(1000), rows: z.number().int().min(5).max(500) }), out<void>()),
  'terminal.close': method(z.object({ terminalId }), out<void>()),
} as const

export const terminalEvents = {
  'terminal.output': event<{ terminalId: string; data: string }>(),
  'terminal.exit': event<{ terminalId: string; code?: number }>(),
} as const
