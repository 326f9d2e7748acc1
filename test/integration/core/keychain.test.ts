// The secret store against the real Secret Service (gnome-keyring on the D-Bus session the home server's
// global setup starts): the probe picks the keychain, and entries land under service "homeport".

import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { createSecretStore } from '../../../electron/core/secrets/create-secret-store.js'
import { serverSecretAccount } from '../../../electron/core/secrets/accounts.js'
import { useHomeServer } from '../../homeserver/helpers.js'

useHomeServer()
const keytar = createRequire(import.meta.url)('keytar') as {
  getPassword(service: string, account: string): Promise<string | null>
  findCredentials(service: string): Promise<{ account: string; password: string }[]>
}

describe('keychain secret store', () => {
  it('chooses the OS keychain when one answers, and leaves no probe entry behind', async () => {
    const { store, warning } = await createSecretStore()
    expect(warning).toBeUndefined()
    expect(store.kind).toBe('keychain')
    // Under a service of its own: other test files probe "homeport" meanwhile.
    const service = `homeport-probe-test-${process.pid}`
    expect((await createSecretStore({ service })).store.kind).toBe('keychain')
    expect(await keytar.findCredentials(service)).toEqual([])
  })

  it('is chosen by every Homeport that starts at the same moment (the app and CLI commands)', async () => {
    const service = `homeport-race-test-${process.pid}`
    const choices = await Promise.all(Array.from({ length: 12 }, () => createSecretStore({ service })))
    expect(choices.map((c) => c.warning?.details ?? c.store.kind)).toEqual(Array(12).fill('keychain'))
    expect(await keytar.findCredentials(service)).toEqual([])
  })

  it('stores, reads back and deletes a secret in the real keychain', async () => {
    const { store } = await createSecretStore()
    const account = serverSecretAccount(`keychain-test-${process.pid}`, 'password')
    const secret = 'pä$$ wörd "quoted" \n newline'
    await store.set(account, secret)
    try {
      expect(await keytar.getPassword('homeport', account)).toBe(secret)
      expect(await store.get(account)).toBe(secret)
    } finally {
      await store.delete(account)
    }
    expect(await keytar.getPassword('homeport', account)).toBeNull()
    expect(await store.get(account)).toBeUndefined()
  })
})
