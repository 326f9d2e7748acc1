// The prompts part of the contract: a front end answers a question the core pushed as `prompt.request`.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { promptsContract } from '../../../shared/contract/prompts.js'
import { HomeportError } from '../../../shared/errors.js'
import type { EventPrompter } from './event-prompter.js'

export function promptsHandlers(eventPrompter: EventPrompter | undefined): HandlersFor<typeof promptsContract> {
  return {
    'prompts.answer': async ({ id, value }) => {
      if (!eventPrompter) {
        throw new HomeportError('NOT_FOUND', `No open question with id "${id}".`, { hint: 'This front end answers questions itself.' })
      }
      eventPrompter.answer(id, value)
    },
  }
}
