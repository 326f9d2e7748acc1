// Changes that read a file on the server, change it and write it back (the backup settings) hold a lock there
// (`server-lock.ts`): from two connections — two laptops — twelve such changes at once all land, where
// without the lock some are lost (shown here too, so the test can tell); the lock goes with a holder whose
// connection is cut; and the backup settings and the scheduled lists (tasks, backup schedules) really take
// it: a change waits while another holder has it.

import { randomBytes } from 'node:crypto'
import { posix } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { changeBackupConfig } from '../../../electron/core/backups/backup-config.js'
import { SshConnectionManager } from '../../../electron/core/connection/connection-manager.js'
import { withServerLock } from '../../../electron/core/connection/server-lock.js'
import { readServerFile, writeServerFiles } from '../../../electron/core/connection/sftp.js'
import type { SshSession } from '../../../electron/core/connection/types.js'
import { changeScheduledList, homeFolder } from '../../../electron/core/schedules/server-schedule.js'
import { taskPaths } from '../../../electron/core/tasks/task-service.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { killServerSide, localPortOf, targetFor } from './support.js'

const hs = useHomeServer()
const managers: SshConnectionManager[] = []
const sessions: SshSession[] = []
let dir = ''

beforeAll(async () => {
  for (const name of ['laptop-a', 'laptop-b']) {
    const manager = new SshConnectionManager({ knownHostsPath: '/nonexistent/known_hosts' })
    managers.push(manager)
    sessions.push(await manager.acquire(name, async () => targetFor(hs)))
  }
  dir = `/tmp/homeport-lock-${randomBytes(4).toString('hex')}`
  const made = await sessions[0].exec(['mkdir', '-m', '700', dir])
  if (made.code !== 0) throw new Error(`mkdir ${dir}: ${made.stderr}`)
})

afterAll(async () => {
  if (dir) await sessions[0]?.exec(['rm', '-rf', '--', dir]).catch(() => {})
  await Promise.all(managers.map((m) => m.closeAll()))
})

/** Reads the counter, waits a moment (as a change that asks the server something would), writes it plus one. */
async function increment(session: SshSession, file: string): Promise<void> {
  const n = Number((await readServerFile(session, file)) ?? '0')
  await new Promise((r) => setTimeout(r, 20))
  await writeServerFiles(session, [{ path: file, content: String(n + 1), mode: 0o600 }])
}

const twelve = (run: (session: SshSession, i: number) => Promise<void>) => Promise.all(Array.from({ length: 12 }, (_, i) => run(sessions[i % 2], i)))

describe('a lock on the server around a change of one file', { timeout: 120_000 }, () => {
  it('lets twelve changes from two connections at once all land, where without it some are lost', async () => {
    const unguarded = posix.join(dir, 'unguarded')
    const guarded = posix.join(dir, 'guarded')
    await writeServerFiles(sessions[0], [unguarded, guarded].map((path) => ({ path, content: '0', mode: 0o600 })))
    // Unguarded, a change may also fail outright (two writers' temporary files collide): lost all the same.
    await twelve((s) => increment(s, unguarded).catch(() => {}))
    expect(Number(await readServerFile(sessions[0], unguarded))).toBeLessThan(12)

    await twelve((s) => withServerLock(s, posix.join(dir, 'sub', 'guarded.lock'), 'the counter', () => increment(s, guarded)))
    expect(Number(await readServerFile(sessions[0], guarded))).toBe(12)
  })

  it('is let go of when its holder loses the connection', async () => {
    const lock = posix.join(dir, 'dropped.lock')
    let heldSince = 0
    let release!: () => void
    const holding = withServerLock(sessions[0], lock, 'the counter', async () => {
      heldSince = Date.now()
      await new Promise<void>((r) => (release = r))
    }).catch(() => {})
    await expect.poll(() => heldSince).toBeGreaterThan(0)
    const isFree = async () => (await sessions[1].exec(['flock', '-n', lock, 'true'])).code === 0
    expect(await isFree()).toBe(false)
    expect(await killServerSide(hs.sshPort, localPortOf(await sessions[0].ready()))).not.toEqual([])
    // Free again well before the 30 s a change waits for a holder.
    await expect.poll(isFree, { timeout: 10_000 }).toBe(true)
    await withServerLock(sessions[1], lock, 'the counter', async () => {})
    release()
    await holding
  })

  // Each change of a file the laptops share waits while another holder has its lock.
  const guardedChanges: [string, () => Promise<{ lock: string; change: (done: () => void) => Promise<unknown> }>][] = [
    ['the backup settings', async () => ({
      lock: posix.join(await homeFolder(sessions[0]), '.local/share/homeport/backups/config.lock'),
      change: (done) => changeBackupConfig(sessions[1], done),
    })],
    ['the task list', async () => {
      const { file } = await taskPaths(sessions[0])
      return { lock: `${file}.lock`, change: (done) => changeScheduledList(sessions[1], file, 'tasks', 'task list', (tasks) => (done(), tasks)) }
    }],
  ]
  for (const [what, guarded] of guardedChanges) {
    it(`is taken by a change of ${what}`, async () => {
      const { lock, change } = await guarded()
      let release!: () => void
      const held = new Promise<void>((r) => (release = r))
      let holding = false
      const holder = withServerLock(sessions[0], lock, what, async () => {
        holding = true
        await held
      })
      await expect.poll(() => holding).toBe(true)
      let changed = false
      const changing = change(() => (changed = true))
      await new Promise((r) => setTimeout(r, 1500))
      expect(changed).toBe(false)
      release()
      await holder
      await changing
      expect(changed).toBe(true)
    })
  }
})
