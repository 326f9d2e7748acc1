// Big files come down one exec channel (`cat`, `tail -c +N` to resume) rather than SFTP requests: the bytes
// arrive intact under a hostile name, no command hidden in the name runs, and the server logs the command
// session the big file came down (other tests may add sessions to the log, never take one away).

import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { STREAM_MIN_BYTES } from '../../../electron/core/files/transfer/stream-get.js'
import { sshdLogSince, sshdLogSize, useHomeServer } from '../../homeserver/helpers.js'
import { finished, resultOf, useFilesServer } from './files-fixture.js'

const hs = useHomeServer()
const fx = useFilesServer(hs)
const serverId = 'home'
const HOSTILE = `-big 'it's' $(touch canary); \`touch canary2\`.bin`
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const commandSessions = (log: string) => (log.match(/Starting session: command/g) ?? []).length

async function download(name: string, data: Buffer, into: string): Promise<number> {
  writeFileSync(path.join(fx.remote, name), data)
  execFileSync('chown', [`${hs.user}:${hs.user}`, path.join(fx.remote, name)])
  const offset = await sshdLogSize()
  resultOf(await finished(fx.t, fx.t.call('files.download', { serverId, sources: [path.join(fx.remote, name)], destination: into, onClash: 'overwrite' })))
  expect(sha(readFileSync(path.join(into, name)))).toBe(sha(data))
  return commandSessions(await sshdLogSince(offset))
}

describe('big files down an exec channel', () => {
  it('arrive intact under a hostile name, with no command from the name run, over a command session', async () => {
    await download('small.bin', randomBytes(1024 * 1024), fx.local)
    expect(await download(HOSTILE, randomBytes(STREAM_MIN_BYTES + 12345), fx.local)).toBeGreaterThanOrEqual(1)
    for (const canary of ['canary', 'canary2']) {
      expect(existsSync(path.join(fx.remote, canary))).toBe(false)
      expect(existsSync(path.join(process.cwd(), canary))).toBe(false)
    }
  })
})
