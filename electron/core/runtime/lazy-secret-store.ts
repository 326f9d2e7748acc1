// The keychain, chosen on first use. Loading keytar and probing the OS keychain (D-Bus round trips on Linux)
// is worth it only to a command that reads or writes a secret; `homeport server list` never does.

import { Lazy } from './lazy.js'
import type { SecretStore } from './types.js'

export class LazySecretStore implements SecretStore {
  private readonly chosen: Lazy<SecretStore>
  /** Set when no keychain answered and secrets went to memory: what to tell the person, and why. */
  warning?: SecretsWarning

  constructor(choose: () => Promise<SecretStore>) {
    this.chosen = new Lazy(choose)
  }

  /** What was chosen; before the first use, the keychain that will be tried. Exact: `secretStoreKind`. */
  get kind(): SecretStore['kind'] {
    return this.chosen.loaded?.kind ?? 'keychain'
  }

  async choose(): Promise<SecretStore['kind']> {
    return (await this.chosen.get()).kind
  }

  async get(account: string): Promise<string | undefined> {
    return (await this.chosen.get()).get(account)
  }

  async set(account: string, value: string): Promise<void> {
    return (await this.chosen.get()).set(account, value)
  }

  async delete(account: string): Promise<void> {
    return (await this.chosen.get()).delete(account)
  }
}

export interface SecretsWarning {
  message: string
  hint: string
  /** Why the keychain was not used (the keychain's own error). */
  details: string
}

/** The warning of a store that fell back to memory, once the choice is made (`secretStoreKind` makes it). */
export function secretsWarning(store: SecretStore): SecretsWarning | undefined {
  return store instanceof LazySecretStore ? store.warning : undefined
}

/** Where secrets really go, making the choice now if it was put off. */
export async function secretStoreKind(store: SecretStore): Promise<SecretStore['kind']> {
  return store instanceof LazySecretStore ? store.choose() : store.kind
}
