// A folder made only to hold an app's lock goes when the run that made it fails: with the lock file and this
// process's temporary uploads a cut left behind (`.env`'s among them, whose leading dot `*` skips), but never
// while anyone else's file is in it. A lock is let go without a round trip.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useHomeServer } from '../../homeserver/helpers.js'
import { SshConnectionManager } from '../../../electron/core/connection/connection-manager.js'
import type { SshSession } from '../../../electron/core/connection/types.js'
import { AppLock, JOURNAL_FILE, LOCK_FILE, localHolder } from '../../../electron/core/apps/app-lock.js'
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

  it('goes with its own run\'s journal (a first write whose answer was lost), never with another run\'s', async () => {
    const own = `${base}/own-journal`
    const lock = await AppLock.acquire(session, own, holder)
    await lock.writeJournal(JSON.stringify({ version: 1, runId: holder.runId }))
    await lock.release()
    await lock.removeFolderIfEmpty()
    expect(await names(own)).toEqual(['GONE'])

    const other = `${base}/other-journal`
    const mine = await AppLock.acquire(session, other, holder)
    await mine.writeJournal(JSON.stringify({ version: 1, runId: 'run-of-someone-else' }))
    await mine.release()
    await mine.removeFolderIfEmpty()
    expect(await names(other)).toEqual([JOURNAL_FILE])
  })

  it('is let go without waiting for its channel to close; the next lock on the folder over this connection waits for it', async () => {
    const dir = `${base}/released-app`
    const lock = await AppLock.acquire(session, dir, holder)
    let released = false
    const releasing = lock.release().then(() => (released = true))
    // No answer of the server's can arrive before the microtasks queued now have run.
    await Promise.resolve()
    expect(released).toBe(true)
    await releasing
    // Taken again at once, by another run: not APP_BUSY, the earlier holder's command has ended first.
    const again = await AppLock.acquire(session, dir, localHolder('update', 'run-2'))
    expect(again.held).toBe(true)
    expect((await session.exec(['cat', '--', `${dir}/${LOCK_FILE}`])).stdout).toContain('"runId":"run-2"')
    await again.release()
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
