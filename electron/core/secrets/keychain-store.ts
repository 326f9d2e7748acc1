// The OS keychain through keytar (macOS Keychain, Windows Credential Manager, libsecret on Linux).

import { createRequire } from 'node:module'
import type { SecretStore } from '../runtime/types.js'
import { KEYCHAIN_SERVICE } from './accounts.js'

export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

/**
 * keytar is a native CommonJS addon: it is required lazily so that a missing or unbuildable binary
 * (or one built for another ABI) surfaces as an error the caller can fall back from, not a crash at import.
 */
export function loadKeytar(): KeytarApi {
  const require = createRequire(import.meta.url)
  const mod = require('keytar') as KeytarApi & { default?: KeytarApi }
  return mod.default ?? mod
}

export class KeychainSecretStore implements SecretStore {
  readonly kind = 'keychain' as const

  constructor(
    private readonly keytar: KeytarApi,
    private readonly service: string = KEYCHAIN_SERVICE,
  ) {}

  async get(account: string): Promise<string | undefined> {
    return (await this.keytar.getPassword(this.service, account)) ?? undefined
  }

  async set(account: string, value: string): Promise<void> {
    await this.keytar.setPassword(this.service, account, value)
  }

  async delete(account: string): Promise<void> {
    await this.keytar.deletePassword(this.service, account)
  }
}
