import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { PromptRequest } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'

/** Questions the core asks (host key, passphrase, password), answered one at a time in arrival order. */
export const usePromptsStore = defineStore('prompts', () => {
  const api = useApi()
  const queue = ref<PromptRequest[]>([])
  const current = computed<PromptRequest | undefined>(() => queue.value[0])

  api.on('prompt.request', (request) => {
    if (queue.value.some((p) => p.id === request.id)) return
    queue.value = [...queue.value, request]
  })
  api.on('prompt.cancel', ({ id }) => {
    queue.value = queue.value.filter((p) => p.id !== id)
  })

  /** true/false for a host key; the typed text for a passphrase or password; false when dismissed. */
  async function answer(id: string, value: boolean | string): Promise<void> {
    queue.value = queue.value.filter((p) => p.id !== id)
    await api.call('prompts.answer', { id, value })
  }

  return { queue, current, answer }
})
