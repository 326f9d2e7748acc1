// The moments around a lock changing hands, which another laptop (or a second connection) can meet: a holder
// that has just let go or is just taking the lock has an empty lock file, and is waited for rather than named
// as "another Homeport" in APP_BUSY; finishing an interrupted run takes the lock only while the run's journal
// is still there, so a run that has just ended is not held on to (the next change of the app would be turned
// away with APP_BUSY).

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useHomeServer } from '../../homeserver/helpers.js'
import { SshConnectionManager } from '../../../electron/core/connection/connection-manager.js'
import type { SshSession } from '../../../electron/core/connection/types.js'
import { AppLock, JOURNAL_FILE, LOCK_FILE, localHolder } from '../../../electron/core/apps/app-lock.js'
import { targetFor } from '../connection/support.js'

const hs = useHomeServer()

describe('an app lock changing hands', () => {
  const manager = new SshConnectionManager({ knownHostsPath: '/nonexistent/known_hosts' })
  let session: SshSession
  let base: string

  beforeAll(async () => {
    session = await manager.acquire('app-lock-handover', async () => targetFor(hs))
    const home = (await session.exec(['sh', '-c', 'cd && pwd'])).stdout.trim()
    base = (await session.exec(['mktemp', '-d', `${home}/app-lock-handover.XXXXXX`])).stdout.trim()
  })

  afterAll(async () => {
    if (base) await session.exec(['rm', '-rf', '--', base])
    await manager.closeAll()
  })

  const lockFile = async (dir: string) => (await session.exec(['cat', '--', `${dir}/${LOCK_FILE}`])).stdout

  it('waits for a holder whose lock file is empty (taking or letting go) instead of refusing', async () => {
    const dir = `${base}/changing-hands`
    await session.exec(['mkdir', '-p', '--', dir])
    // Holds the lock for 0.4 s with nothing written in the file, as a holder between its flock and its name.
    const holding = session.exec(['sh', '-c', 'exec 9>>"$1"; flock 9; echo held; sleep 0.4', 'sh', `${dir}/${LOCK_FILE}`])
    await expect.poll(async () => (await session.exec(['sh', '-c', 'exec 9>>"$1"; flock -n 9 && echo free || echo busy', 'sh', `${dir}/${LOCK_FILE}`])).stdout.trim()).toBe('busy')
    const lock = await AppLock.acquire(session, dir, localHolder('update', 'run-after'))
    expect((await holding).stdout).toContain('held')
    expect(await lockFile(dir)).toContain('"runId":"run-after"')
    await lock.release()
  })

  it('still names a holder that has written its name', async () => {
    const dir = `${base}/named-holder`
    const first = await AppLock.acquire(session, dir, localHolder('install', 'run-first'))
    await expect(AppLock.acquire(session, dir, localHolder('update', 'run-second'))).rejects.toMatchObject({ code: 'APP_BUSY', message: expect.stringContaining(', install, since ') })
    await first.release()
  })

  it('takes the lock to finish a run only while its journal is there', async () => {
    const dir = `${base}/finished-run`
    const run = await AppLock.acquire(session, dir, localHolder('update', 'run-going'))
    await run.writeJournal('{"runId":"run-going"}')
    // The run is going: its lock is held.
    await expect(AppLock.acquireIfJournal(session, dir, localHolder('finish an interrupted run', 'finish-1'))).rejects.toMatchObject({ code: 'APP_BUSY' })
    await run.removeJournal()
    await run.release()
    // It ended meanwhile: nothing to finish, and the lock is not kept.
    expect(await AppLock.acquireIfJournal(session, dir, localHolder('finish an interrupted run', 'finish-2'))).toBeUndefined()
    expect(await lockFile(dir)).not.toContain('finish-2')
    const next = await AppLock.acquire(session, dir, localHolder('update', 'run-next'))
    expect(next.held).toBe(true)
    // A journal left by a run that did not end: the lock is taken, to finish it.
    await next.writeJournal('{"runId":"run-next"}')
    await next.release()
    const finisher = await AppLock.acquireIfJournal(session, dir, localHolder('finish an interrupted run', 'finish-3'))
    expect(finisher?.held).toBe(true)
    expect(await lockFile(dir)).toContain('"runId":"finish-3"')
    expect((await session.exec(['ls', '-A', '--', dir])).stdout.split('\n')).toContain(JOURNAL_FILE)
    await finisher?.release()
  })
})
