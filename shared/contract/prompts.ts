// Questions the core asks the person at a front end (host keys, passphrases, passwords), answered by id.

import { z } from 'zod'
import { event, method, out } from './define.js'

export type PromptKind = 'hostKey' | 'passphrase' | 'password'

export interface PromptRequest {
  id: string
  kind: PromptKind
  serverId?: string
  title: string
  message: string
  /** For hostKey prompts. */
  fingerprint?: string
  algorithm?: string
  host?: string
  port?: number
}

export const promptsContract = {
  'prompts.answer': method(z.object({ id: z.string().min(1), value: z.union([z.boolean(), z.string()]) }), out<void>()),
} as const

export const promptsEvents = {
  'prompt.request': event<PromptRequest>(),
  'prompt.cancel': event<{ id: string }>(),
} as const
