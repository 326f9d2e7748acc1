// Big files go up one exec channel (`cat >>` into the temporary file) rather than SFTP requests: the bytes
// arrive intact under a hostile name with their mode and times, no command hidden in the name runs, and the
// server logs the command session the file went up (other tests may add sessions to the log, never take one
// away). A full disk during the stream fails with DISK_FULL and leaves the old file as it was.

import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { STREAM_MIN_BYTES } from '../../../electron/core/files/transfer/stream-get.js'
import { sshdLogSince, sshdLogSize, useHomeServer } from '../../homeserver/helpers.js'
import { finished, homeOf, mountSmallDisk, resultOf, sha256File, useFilesServer } from './files-fixture.js'

const hs = useHomeServer()
const fx = useFilesServer(hs)
const serverId = 'home'
const HOSTILE = `-big 'it's' $(touch canary); \`touch canary2\`\nline two.bin`
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const commandSessions = (log: string) => (log.match(/Starting session: command/g) ?? []).length
let full: string | undefined

afterAll(() => {
  if (full) execFileSync('umount', [full])
})

describe('big files up an exec channel', () => {
  it('arrive intact under a hostile name with mode and times, with no command from the name run, over a command session', async () => {
    const data = randomBytes(STREAM_MIN_BYTES + 12345)
    const local = path.join(fx.local, HOSTILE)
    writeFileSync(local, data)
    chmodSync(local, 0o640)
    utimesSync(local, 1_600_000_000, 1_600_000_123)
    // Connecting runs commands of its own: a small upload first, so the count below is the big file's.
    writeFileSync(path.join(fx.local, 'small.bin'), randomBytes(1024 * 1024))
    resultOf(await finished(fx.t, fx.t.call('files.upload', { serverId, sources: [path.join(fx.local, 'small.bin')], destination: fx.remote })))
    const offset = await sshdLogSize()
    const result = resultOf(await finished(fx.t, fx.t.call('files.upload', { serverId, sources: [local], destination: fx.remote })))
    expect(result).toMatchObject({ files: 1, bytes: data.length })
    expect(commandSessions(await sshdLogSince(offset))).toBeGreaterThanOrEqual(1)

    const there = path.join(fx.remote, HOSTILE)
    expect(sha(readFileSync(there))).toBe(sha(data))
    expect(statSync(there).mode & 0o777).toBe(0o640)
    expect(Math.round(statSync(there).mtimeMs / 1000)).toBe(1_600_000_123)
    expect(readdirSync(fx.remote).sort()).toEqual([HOSTILE, 'small.bin'].sort())
    for (const dir of [fx.remote, homeOf(hs.user), '/', process.cwd()]) {
      for (const canary of ['canary', 'canary2']) expect(existsSync(path.join(dir, canary))).toBe(false)
    }

    // Again over the file just sent: replaced whole through the temporary name.
    const again = randomBytes(STREAM_MIN_BYTES + 1)
    writeFileSync(local, again)
    expect(resultOf(await finished(fx.t, fx.t.call('files.upload', { serverId, sources: [local], destination: fx.remote, onClash: 'overwrite', verify: 'sha256' }))).verified).toBe(1)
    expect(sha(readFileSync(there))).toBe(sha(again))
    expect(readdirSync(fx.remote).sort()).toEqual([HOSTILE, 'small.bin'].sort())
  })

  it('fails with DISK_FULL when the disk fills during the stream, removing the partial file and keeping the old one', async () => {
    full = path.join(fx.remote, 'stream-up-full')
    mountSmallDisk(hs, full, 8, 'homeport-stream-up-full')
    const before = await sha256File(path.join(full, 'data.bin'))

    const bigger = path.join(fx.local, 'data.bin')
    writeFileSync(bigger, randomBytes(STREAM_MIN_BYTES + 4096))
    const job = await finished(fx.t, fx.t.call('files.upload', { serverId, sources: [bigger], destination: full, onClash: 'overwrite' }))
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('DISK_FULL')
    expect(job.error?.message).toContain(path.join(full, 'data.bin'))
    expect(job.error?.hint).toBeTruthy()
    expect(readdirSync(full)).toEqual(['data.bin'])
    expect(await sha256File(path.join(full, 'data.bin'))).toBe(before)
  })
})
