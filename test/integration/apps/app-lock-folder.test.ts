// A folder made only to hold an app's lock goes when the run that made it fails: with the lock file and this
// process's temporary uploads a cut left behind (`.env`'s among them, whose leading dot `*` skips), but never
// while anyone else's file is in it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useHomeServer } from '../../homeserver/helpers.js'
import { SshConnectionManager } from '../../../electron/core/connection/connection-manager.js'
import type { SshSession } from '../../../electron/core/connection/types.js'
import { AppLock, LOCK_FILE, localHolder } from '../../../electron/core/apps/app-lock.js'
import { targetFor } from '../connection/support.js'

const hs = useHomeServer()
const holder = localHolder('install', 'run-1')

describe('a lock folder left by a failed run', () => {
  const manager = new SshConnectionManager({ knownHostsPath: '/nonexistent/known_hosts' })
  let session: SshSession
  let base: string

  beforeAll(async () => {
    session = await manager.acquire('app-lock-folder', async () => targetFor(hs))
    const home = (await session.exec(['sh', '-c', 'cd && pwd'])).stdout.trim()
    base = (await session.exec(['mktemp', '-d', `${home}/app-lock.XXXXXX`])).stdout.trim()
  })

  afterAll(async () => {
    if (base) await session.exec(['rm', '-rf', '--', base])
    await manager.closeAll()
  })

  const names = async (dir: string) => (await session.exec(['sh', '-c', 'ls -A -- "$1" 2>/dev/null || echo GONE', 'sh', dir])).stdout.trim().split('\n').filter(Boolean)
  const touch = (dir: string, files: string[]) => session.exec(['touch', '--', ...files.map((f) => `${dir}/${f}`)])

  it('goes with the lock file and this process\'s temporary uploads, dotted names included', async () => {
    const dir = `${base}/fresh-app`
    const lock = await AppLock.acquire(session, dir, holder)
    expect(await names(dir)).toContain(LOCK_FILE)
    await touch(dir, [`.env.homeport-${process.pid}-1.tmp`, `compose.yml.homeport-${process.pid}-2.tmp`])
    await lock.release()
    await lock.removeFolderIfEmpty()
    expect(await names(dir)).toEqual(['GONE'])
  })

  it('stays, with everything not this process\'s, when another file is in it', async () => {
    const dir = `${base}/shared-app`
    const lock = await AppLock.acquire(session, dir, holder)
    const others = ['.env.homeport-1-1.tmp', 'compose.yml', '.env']
    await touch(dir, [...others, `.env.homeport-${process.pid}-3.tmp`])
    await lock.release()
    await lock.removeFolderIfEmpty()
    expect((await names(dir)).sort()).toEqual([...others].sort())
  })
})
