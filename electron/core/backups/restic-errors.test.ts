// restic's failures as Homeport's codes, on the text restic 0.14–0.18 prints; retention flags; what a
// snapshot's paths say it holds; the default image.

import { describe, expect, it } from 'vitest'
import { UMBREL_RETENTION } from '../../../shared/contract/backups.js'
import { snapshotContents } from './app-sources.js'
import { isNoRepository, resticError } from './restic-errors.js'
import { keepsEverything, retentionArgs } from './retention.js'
import { DEFAULT_RESTIC_IMAGE } from './restic-container.js'

const failed = (stderr: string) => ({ code: 1, stdout: '', stderr })

describe('restic errors', () => {
  it('maps a wrong password, a full disk, an unreachable or refusing target, and the rest', () => {
    expect(resticError(failed('Fatal: wrong password or no key found'), 'open it', 'usb').code).toBe('BACKUP_AUTH_FAILED')
    const full = resticError(failed('Fatal: unable to save snapshot: write /repository/data/ab/abcd: no space left on device'), 'back up x', 'usb')
    expect(full.code).toBe('DISK_FULL')
    expect(full.message).toContain('usb')
    expect(full.details).toContain('no space left')
    const refused = resticError(failed('subprocess ssh: ssh: connect to host nas port 22: Connection refused\nFatal: unable to open repository at sftp:nas@nas:/b: unable to start the sftp session, error: EOF'), 'open it', 'nas')
    expect(refused.code).toBe('BACKUP_TARGET_UNREACHABLE')
    expect(refused.message).toContain('could not reach')
    const key = resticError(failed('subprocess ssh: nas@nas: Permission denied (publickey).'), 'open it', 'nas')
    expect(key.cliHint).toContain('homeport backups key')
    expect(resticError(failed('subprocess ssh: Host key verification failed.'), 'open it', 'nas').message).toContain('host key')
    expect(resticError(failed('Fatal: repository contains errors'), 'check it', 'usb').code).toBe('BACKUP_FAILED')
  })

  it('tells an empty target (to initialise) from one that failed', () => {
    expect(isNoRepository(failed('Fatal: unable to open config file: stat /repository/config: no such file or directory\nIs there a repository at the following location?'))).toBe(true)
    expect(isNoRepository(failed('Fatal: unable to open config file: Stat: The specified key does not exist.\nIs there a repository at the following location?'))).toBe(true)
    expect(isNoRepository(failed('Fatal: unable to open config file: client.GetObject: Bucket name cannot be shorter than 3 characters\nIs there a repository at the following location?'))).toBe(false)
    expect(isNoRepository(failed('Fatal: wrong password or no key found'))).toBe(false)
  })
})

describe('retention', () => {
  it("gives Umbrel's defaults as restic flags and leaves out what keeps none", () => {
    expect(retentionArgs(UMBREL_RETENTION)).toEqual(['--keep-last', '10', '--keep-hourly', '24', '--keep-daily', '7', '--keep-weekly', '4', '--keep-monthly', '12'])
    expect(retentionArgs({ last: 0, hourly: 0, daily: 3, weekly: 0, monthly: 0, yearly: 1 })).toEqual(['--keep-daily', '3', '--keep-yearly', '1'])
  })

  it('knows a group keeps everything only while its "last N" covers it', () => {
    expect(keepsEverything(UMBREL_RETENTION, 10)).toBe(true)
    expect(keepsEverything(UMBREL_RETENTION, 11)).toBe(false)
    // Without a "last N", two snapshots in one hour or day may already lose one.
    expect(keepsEverything({ last: 0, hourly: 24, daily: 7, weekly: 0, monthly: 0, yearly: 0 }, 2)).toBe(false)
  })
})

describe('snapshot contents', () => {
  it('reads volumes and folders back from the paths', () => {
    expect(snapshotContents(['/backup/volumes/app_data', '/backup/binds/home/u/apps/app/files', '/backup/compose'])).toEqual({ volumes: ['app_data'], binds: ['/home/u/apps/app/files'] })
  })
})

describe('the default restic image', () => {
  it('is the official repository pinned by a digest alone', () => {
    expect(DEFAULT_RESTIC_IMAGE).toMatch(/^docker\.io\/restic\/restic@sha256:[0-9a-f]{64}$/)
  })
})
