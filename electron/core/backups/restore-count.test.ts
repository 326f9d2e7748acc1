import { describe, expect, it } from 'vitest'
import { countListed } from './restore-count.js'

describe('countListed', () => {
  it("counts the regular files and their bytes that `ls -lnRA` lists after restic's own output", () => {
    const stdout = [
      'restoring <Snapshot 1a2b3c4d of [/backup/volumes/v] at 2026-11-30 by root@homeport> to /',
      '-rw-r--r--    1 0        0              999 Nov 30 14:11 not-a-listing-yet',
      'homeport: restored files',
      '/backup/volumes/v:',
      'total 8',
      '-rw-r--r--    1 0        0                3 Nov 30 14:11 f',
      'lrwxrwxrwx    1 0        0                1 Nov 30 14:11 link -> f',
      'drwxr-xr-x    2 0        0             4096 Nov 30 14:11 sub',
      '',
      '/backup/volumes/v/sub:',
      '-rw-r--r--    2 1000     1000       5000000 Jan  1  2020 .hidden file',
      '-rw-r--r-- 1 0 0 7 Nov 30 14:11 /backup/volumes/w/one',
    ].join('\n')
    expect(countListed(stdout)).toEqual({ files: 3, bytes: 5000010 })
  })

  it('is zero when nothing was listed', () => {
    expect(countListed('homeport: restored files\n')).toEqual({ files: 0, bytes: 0 })
  })
})
