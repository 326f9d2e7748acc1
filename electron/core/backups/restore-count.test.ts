import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { COUNT_SCRIPT, countRestored } from './restore-count.js'

describe('countRestored', () => {
  it("counts the sizes printed after restic's own output", () => {
    const stdout = [
      'restoring <Snapshot 1a2b3c4d of [/backup/volumes/v] at 2026-11-30 by root@homeport> to /',
      '999',
      'homeport: restored files',
      '3',
      '5000000',
      '7',
      '',
    ].join('\n')
    expect(countRestored(stdout)).toEqual({ files: 3, bytes: 5000010 })
  })

  it('is zero when nothing was listed', () => {
    expect(countRestored('homeport: restored files\n')).toEqual({ files: 0, bytes: 0 })
  })
})

// The script as the restic container runs it, in busybox's shell with busybox's find and stat (the tools of
// restic's image); `true` stands in for restic.
describe('the counting script, run by busybox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homeport-restore-count-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('counts every regular file once, whatever its name holds, and neither links nor folders', () => {
    const volume = join(dir, 'v')
    mkdirSync(join(volume, 'sub', 'deeper'), { recursive: true })
    writeFileSync(join(volume, 'plain.txt'), 'abc')
    // A name that, listed by `ls -l`, would read as one more file of 999 bytes.
    writeFileSync(join(volume, 'sub', 'two\n-rw-r--r-- 1 0 0 999 Jan  1  2020 lines'), 'hello')
    writeFileSync(join(volume, 'sub', 'deeper', '-leading dash $(touch canary)'), '')
    symlinkSync('plain.txt', join(volume, 'link'))
    const single = join(dir, 'single.bin')
    writeFileSync(single, Buffer.alloc(4096))
    const stdout = execFileSync('busybox', ['sh', '-c', COUNT_SCRIPT, 'true', 'restore', 'latest', volume, single, join(dir, 'not-restored'), '3'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    expect(countRestored(stdout)).toEqual({ files: 4, bytes: 3 + 5 + 0 + 4096 })
    expect(execFileSync('ls', [dir], { encoding: 'utf8' })).not.toContain('canary')
  })
})
