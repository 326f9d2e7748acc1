// Interactive terminals: a shell in an app's service, in any container, or on the server itself (an SSH pty).
// Output and exit arrive as events for the terminal id.

import { z } from 'zod'
import { AppRef } from './apps.js'
import { event, method, out } from './define.js'
import { ContainerRef } from './docker.js'
import { ServerIdInput } from './servers.js'

const terminalId = z.string().min(1)
const size = { cols: z.number().int().min(10).max(1000).default(80), rows: z.number().int().min(5).max(500).default(24) }

export const terminalContract = {
  'terminal.open': method(AppRef.extend({ service: z.string().min(1), cols: z.number().int().min(10).max(1000).default(80), rows: z.number().int().min(5).max(500).default(24), command: z.array(z.string()).optional() }), out<{ terminalId: string }>()),
  'terminal.openContainer': method(ContainerRef.extend(size), out<{ terminalId: string }>()),
  /** A login shell of the SSH user on the server itself. */
  'terminal.openHost': method(ServerIdInput.extend(size), out<{ terminalId: string }>()),
  'terminal.input': method(z.object({ terminalId, data: z.string() }), out<void>()),
  'terminal.resize': method(z.object({ terminalId, cols: z.number().int().min(10).max(1000), rows: z.number().int().min(5).max(500) }), out<void>()),
  'terminal.close': method(z.object({ terminalId }), out<void>()),
} as const

export const terminalEvents = {
  'terminal.output': event<{ terminalId: string; data: string }>(),
  'terminal.exit': event<{ terminalId: string; code?: number }>(),
} as const
