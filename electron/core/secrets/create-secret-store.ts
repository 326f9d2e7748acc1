// Picks where secrets go: the OS keychain when one answers a write/read/delete round trip, else memory.

import { randomUUID } from 'node:crypto'
import { ERROR_CODES } from '../../../shared/errors.js'
import type { SecretStore } from '../runtime/types.js'
import { KEYCHAIN_SERVICE } from './accounts.js'
import { KeychainSecretStore, loadKeytar, type KeytarApi } from './keychain-store.js'
import { MemorySecretStore } from './memory-store.js'

export interface SecretStoreChoice {
  store: SecretStore
  /** Set when secrets fall back to memory: what to tell the person, in the SECRET_STORE_UNAVAILABLE words. */
  warning?: { message: string; hint: string; details: string }
}

const PROBE_TIMEOUT_MS = 10_000

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

async function probe(keytar: KeytarApi, service: string): Promise<void> {
  // A random value, so a stale entry from an earlier run cannot make a read-only or broken keychain look healthy.
  // An account of its own too: two Homeports starting at once (the app and a CLI command) would otherwise
  // read each other's value, and one would give up the keychain for memory.
  const value = randomUUID()
  const account = `probe:availability:${value}`
  await keytar.setPassword(service, account, value)
  const back = await keytar.getPassword(service, account)
  await keytar.deletePassword(service, account)
  if (back !== value) throw new Error('the keychain did not return the value just stored')
}

export async function createSecretStore(
  opts: { service?: string; loadKeytar?: () => KeytarApi; timeoutMs?: number } = {},
): Promise<SecretStoreChoice> {
  const service = opts.service ?? KEYCHAIN_SERVICE
  try {
    const keytar = (opts.loadKeytar ?? loadKeytar)()
    await withTimeout(probe(keytar, service), opts.timeoutMs ?? PROBE_TIMEOUT_MS, 'The keychain')
    return { store: new KeychainSecretStore(keytar, service) }
  } catch (err) {
    const { message, hint } = ERROR_CODES.SECRET_STORE_UNAVAILABLE
    return {
      store: new MemorySecretStore(),
      warning: { message, hint, details: err instanceof Error ? err.message : String(err) },
    }
  }
}
