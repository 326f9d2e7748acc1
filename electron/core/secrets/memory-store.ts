// Secrets kept in this process only: used when no keychain answers, and lost when Homeport exits.

import type { SecretStore } from '../runtime/types.js'

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const
  private readonly values = new Map<string, string>()

  async get(account: string): Promise<string | undefined> {
    return this.values.get(account)
  }

  async set(account: string, value: string): Promise<void> {
    this.values.set(account, value)
  }

  async delete(account: string): Promise<void> {
    this.values.delete(account)
  }
}
