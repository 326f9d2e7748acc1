// The keychain, chosen on first use. Loading keytar and probing the OS keychain (D-Bus round trips on Linux)
// is worth it only to a command that reads or writes a secret; `homeport server list` never does.

import { Lazy } from './lazy.js'
import type { SecretStore } from './types.js'

export class LazySecretStore implements SecretStore {
  private readonly chosen: Lazy<SecretStore>

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

/** Where secrets really go, making the choice now if it was put off. */
export async function secretStoreKind(store: SecretStore): Promise<SecretStore['kind']> {
  return store instanceof LazySecretStore ? store.choose() : store.kind
}
