import { describe, expect, it } from 'vitest'
import { backupUserFor } from './homeport-repository.js'

describe('the backup user made on another server', () => {
  it('is named after this server in safe characters, within Linux\'s 32', () => {
    expect(backupUserFor('home')).toBe('hp-backup-home')
    expect(backupUserFor('My NAS (attic)')).toBe('hp-backup-my-nas-attic')
    expect(backupUserFor('$(rm -rf /);`x`')).toBe('hp-backup-rm-rf-x')
    expect(backupUserFor('ÄÖÜ')).toBe('hp-backup-server')
    const long = backupUserFor('a-very-long-server-name-that-goes-on-and-on')
    expect(long.length).toBeLessThanOrEqual(32)
    expect(long).toMatch(/^hp-backup-[a-z0-9]+(-[a-z0-9]+)*$/)
  })
})
