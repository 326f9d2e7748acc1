import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../../shared/errors.js'
import { serverSecretAccount } from './accounts.js'
import { createSecretStore } from './create-secret-store.js'
import type { KeytarApi } from './keychain-store.js'
import { MemorySecretStore } from './memory-store.js'

describe('createSecretStore fallback', () => {
  it('falls back to memory with the SECRET_STORE_UNAVAILABLE warning when keytar cannot load', async () => {
    const choice = await createSecretStore({
      loadKeytar: () => {
        throw new Error("Cannot find module 'keytar'")
      },
    })
    expect(choice.store.kind).toBe('memory')
    expect(choice.warning).toMatchObject({
      message: ERROR_CODES.SECRET_STORE_UNAVAILABLE.message,
      hint: ERROR_CODES.SECRET_STORE_UNAVAILABLE.hint,
      details: expect.stringContaining('keytar'),
    })
  })

  it('falls back when the keychain never answers', async () => {
    const silent: KeytarApi = {
      getPassword: () => new Promise(() => {}),
      setPassword: () => new Promise(() => {}),
      deletePassword: () => new Promise(() => {}),
    }
    const choice = await createSecretStore({ loadKeytar: () => silent, timeoutMs: 50 })
    expect(choice.store.kind).toBe('memory')
    expect(choice.warning?.details).toMatch(/did not answer/)
  })

  it('falls back when the keychain does not give back what was stored', async () => {
    const forgetful: KeytarApi = {
      getPassword: async () => null,
      setPassword: async () => {},
      deletePassword: async () => true,
    }
    const choice = await createSecretStore({ loadKeytar: () => forgetful })
    expect(choice.store.kind).toBe('memory')
  })
})

describe('MemorySecretStore', () => {
  it('keeps, returns and forgets secrets by account', async () => {
    const store = new MemorySecretStore()
    const account = serverSecretAccount('abc', 'password')
    expect(account).toBe('server:abc:password')
    expect(await store.get(account)).toBeUndefined()
    await store.set(account, 's3cret')
    expect(await store.get(account)).toBe('s3cret')
    await store.delete(account)
    expect(await store.get(account)).toBeUndefined()
  })
})
