// The default Prompter: a question becomes a `prompt.request` event, any front end answers it through
// `prompts.answer`. Unanswered questions expire (and a `prompt.cancel` tells front ends to close the dialog).

import { randomUUID } from 'node:crypto'
import type { PromptRequest } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { EventSink, Prompter } from '../runtime/types.js'

type Answer = boolean | string | undefined

interface Pending {
  request: PromptRequest
  finish: (value: Answer, cancelled: boolean) => void
}

const DEFAULT_PROMPT_TIMEOUT_MS = 5 * 60_000

export class EventPrompter implements Prompter {
  private readonly pending = new Map<string, Pending>()

  constructor(
    private readonly events: EventSink,
    private readonly timeoutMs: number = DEFAULT_PROMPT_TIMEOUT_MS,
  ) {}

  ask(request: Omit<PromptRequest, 'id'>, signal?: AbortSignal): Promise<Answer> {
    if (signal?.aborted) return Promise.resolve(undefined)
    const id = randomUUID()
    const full: PromptRequest = { ...request, id }
    return new Promise<Answer>((resolve) => {
      const finish = (value: Answer, cancelled: boolean) => {
        if (!this.pending.delete(id)) return
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        if (cancelled) this.events.emit('prompt.cancel', { id })
        resolve(value)
      }
      const onAbort = () => finish(undefined, true)
      const timer = setTimeout(() => finish(undefined, true), this.timeoutMs)
      timer.unref?.()
      signal?.addEventListener('abort', onAbort, { once: true })
      this.pending.set(id, { request: full, finish })
      this.events.emit('prompt.request', full)
    })
  }

  /** Delivers an answer; a hostKey prompt takes a boolean, a password/passphrase prompt a string. */
  answer(id: string, value: boolean | string): void {
    const pending = this.pending.get(id)
    if (!pending) {
      throw new HomeportError('NOT_FOUND', `No open question with id "${id}".`, {
        hint: 'The question was already answered, cancelled or timed out; start the action again.',
      })
    }
    const wantsBoolean = pending.request.kind === 'hostKey'
    if (wantsBoolean !== (typeof value === 'boolean')) {
      throw new HomeportError('INVALID_INPUT', `The ${pending.request.kind} question needs ${wantsBoolean ? 'true or false' : 'a text answer'}.`)
    }
    pending.finish(value, false)
  }

  /** Cancels every open question (the core is closing). */
  cancelAll(): void {
    for (const pending of [...this.pending.values()]) pending.finish(undefined, true)
  }

  open(): PromptRequest[] {
    return [...this.pending.values()].map((p) => p.request)
  }
}
