import { describe, expect, it } from 'vitest'
import { HomeportError } from '../../../shared/errors.js'
import { LazySecretStore } from '../runtime/lazy-secret-store.js'
import { MemorySecretStore } from '../secrets/memory-store.js'
import type { StoredRepository } from './backup-config.js'
import { repositoryAccess } from './repository-access.js'

const repo = { name: 'nas', kind: 'local', path: '/srv/backups' } as StoredRepository

async function failure(store: LazySecretStore): Promise<HomeportError> {
  const err = await repositoryAccess(repo, 'home', store).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(HomeportError)
  return err as HomeportError
}

describe('a repository password that cannot be found', () => {
  it('is "not in the keychain" when the keychain answered', async () => {
    const err = await failure(new LazySecretStore(async () => new MemorySecretStore()))
    expect(err.code).toBe('BACKUP_AUTH_FAILED')
    expect(err.message).toMatch(/password of repository nas is not in this computer's keychain/)
  })

  it('names the keychain that did not answer, and why, when secrets fell back to memory', async () => {
    const store = new LazySecretStore(async () => new MemorySecretStore())
    store.warning = { message: 'The OS keychain is not available.', hint: 'Unlock it.', details: 'The keychain did not answer within 10000 ms' }
    const err = await failure(store)
    expect(err.code).toBe('SECRET_STORE_UNAVAILABLE')
    expect(err.message).toBe('The password of repository nas could not be read: The OS keychain is not available.')
    expect(err.hint).toBe('Unlock it.')
    expect(err.details).toMatch(/did not answer/)
  })
})
