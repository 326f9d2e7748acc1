// Questions the core asks the person at a front end (host keys, passphrases, passwords), answered by id.

import { z } from 'zod'
import { event, method, out } from './define.js'

export type PromptKind = 'hostKey' | 'passphrase' | 'password' | 'nameClash'

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
  /** For nameClash prompts: the taken path, and the answers to offer (one of them is the string answer). */
  path?: string
  choices?: string[]
}

export const promptsContract = {
  'prompts.answer': method(z.object({ id: z.string().min(1), value: z.union([z.boolean(), z.string()]) }), out<void>()),
} as const

export const promptsEvents = {
  'prompt.request': event<PromptRequest>(),
  'prompt.cancel': event<{ id: string }>(),
} as const
