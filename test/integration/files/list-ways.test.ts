// The two ways a folder is listed on the server give the same entries: one `find -printf` command (where the
// server's find has -printf) and SFTP (everywhere else, and whenever the command fails). Also: hostile names
// and a FIFO come through both verbatim, no name is ever run, and a server without the command is not
// asked again.

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FileEntryDto } from '../../../shared/contract/index.js'
import type { ExecOptions, ExecResult, SshSession } from '../../../electron/core/connection/types.js'
import { hostTarget, newServerMemo } from '../../../electron/core/files/host-target.js'
import { listFolder } from '../../../electron/core/files/list-folder.js'
import { homeportFailure, useHomeServer } from '../../homeserver/helpers.js'
import { openTestSession, type TestSession } from '../docker/test-session.js'
import { asUser } from './files-fixture.js'

const hs = useHomeServer()
const dir = `/dev/shm/homeport-list-ways-${process.pid}`
const canary = `${dir}/canary`
const QUOTED = 'it\'s "quoted" $(touch canary); `touch canary`'
let ssh: TestSession

/** The session, with every command it is asked to run recorded, and answered by `fake` when given. */
function watched(session: SshSession, ran: string[][], fake?: ExecResult): SshSession {
  return new Proxy(session, {
    get(target, key) {
      if (key === 'exec') {
        return (argv: string[], opts?: ExecOptions) => {
          ran.push(argv)
          return fake ? Promise.resolve(fake) : target.exec(argv, opts)
        }
      }
      const value = Reflect.get(target, key, target) as unknown
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}

const byName = (entries: FileEntryDto[]) => [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))

beforeAll(async () => {
  mkdirSync(dir, { mode: 0o755 })
  execFileSync('chown', [`${hs.user}:${hs.user}`, dir])
  const script = [
    'cd "$1" || exit 1',
    'mkdir sub && chmod 750 sub',
    'printf hello > a.txt && chmod 640 a.txt',
    'printf x > .hidden',
    'printf y > "$2"',
    'printf z > "$3"',
    'printf w > ./-leading',
    'ln -s a.txt link && ln -s b loop-a && ln -s loop-a b && ln -s nowhere dangling',
    'mkfifo pipe',
  ].join('\n')
  asUser(hs, ['sh', '-c', script, 'sh', dir, 'two\nlines', QUOTED])
  ssh = await openTestSession(hs)
})

afterAll(async () => {
  await ssh?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('listing a folder', () => {
  it('gives the same entries by one find command as over SFTP, with no name run', async () => {
    const ran: string[][] = []
    const byFind = await listFolder(hostTarget('ways-find', 'the test server', watched(ssh.session, ran), newServerMemo()), dir)
    expect(ran.filter((argv) => argv.includes('find'))).toHaveLength(1)

    const refused: ExecResult = { code: 1, stdout: '', stderr: "find: unknown predicate `-printf'" }
    const asked: string[][] = []
    const noFind = hostTarget('ways-sftp', 'the test server', watched(ssh.session, asked, refused), newServerMemo())
    const bySftp = await listFolder(noFind, dir)
    expect(byName(byFind.entries)).toEqual(byName(bySftp.entries))

    const names = byFind.entries.map((e) => e.name).sort()
    expect(names).toEqual(['-leading', '.hidden', 'a.txt', 'b', 'dangling', QUOTED, 'link', 'loop-a', 'pipe', 'sub', 'two\nlines'].sort())
    const entry = Object.fromEntries(byFind.entries.map((e) => [e.name, e]))
    expect(entry['a.txt']).toMatchObject({ type: 'file', size: 5, mode: 0o640, owner: hs.user, group: hs.user, path: path.join(dir, 'a.txt') })
    expect(entry.sub).toMatchObject({ type: 'dir', mode: 0o750 })
    expect(entry.link).toMatchObject({ type: 'symlink', target: 'a.txt' })
    expect(entry['loop-a']).toMatchObject({ type: 'symlink', target: 'b' })
    expect(entry.dangling).toMatchObject({ type: 'symlink', target: 'nowhere' })
    expect(entry.pipe.type).toBe('other')
    expect(existsSync(canary)).toBe(false)

    // Remembered: the server whose find has no -printf is listed over SFTP without asking again.
    await listFolder(noFind, dir)
    expect(asked.filter((argv) => argv.includes('find'))).toHaveLength(1)
  })

  it('names a missing folder with NOT_FOUND, whichever way it was asked', async () => {
    const target = hostTarget('ways-missing', 'the test server', ssh.session, newServerMemo())
    expect((await homeportFailure(listFolder(target, path.join(dir, 'nope')))).code).toBe('NOT_FOUND')
  })
})
