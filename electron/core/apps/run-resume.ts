// Runs that did not finish — their Homeport lost the server mid-rollback, was told to quit at once, or
// crashed — left their journal in the app's folder. The first apps call on a fresh connection looks for
// them and finishes each one under the app's lock, whichever laptop started it: a committed run has its old
// containers removed, any other is rolled back and checked. A journal whose lock is held belongs to a run
// that is still going. This laptop's own copies are dropped once the server has none left.

import { randomUUID } from 'node:crypto'
import type { SshSession } from '../connection/types.js'
import { commitRun } from '../compose/engine/rollback.js'
import type { AppRunsRepo } from '../store/app-runs-repo.js'
import type { EventSink, Logger } from '../runtime/types.js'
import { AppLock, localHolder, type LockHolder } from './app-lock.js'
import { appDir, appDirInHome, appsRoot, FACTS_SCRIPT, factsAsked, parseFacts, rememberFacts, type ServerFacts } from './app-paths.js'
import { rollBack, type RollbackOutcome } from './app-run.js'
import { appServer, type AppServer, type ServerAccess } from './app-server.js'
import { JOURNAL_FILE, readServerJournal, RunJournalStore } from './run-journal.js'

export interface ResumeDeps {
  runs: AppRunsRepo
  log: Logger
  events: EventSink
}

/** Folders of apps whose folder holds a journal. */
async function journalDirs(session: SshSession, root: string): Promise<string[]> {
  const script = 'for f in "$1"/*/"$2"; do [ -f "$f" ] && printf "%s\\n" "${f%/*}"; done; true'
  const res = await session.exec(['sh', '-c', script, 'sh', root, JOURNAL_FILE])
  return res.stdout.split('\n').filter(Boolean)
}

/**
 * Finishes one app's unfinished run, under `held` (the caller's lock on that app) or a lock of its own.
 * Undefined when another Homeport holds the app: its run is still going.
 */
export async function finishRun(server: AppServer, dir: string, deps: ResumeDeps, held?: AppLock, reachTimeoutMs = 15_000): Promise<RollbackOutcome | undefined> {
  let lock = held
  if (!lock) {
    try {
      lock = await AppLock.acquireIfJournal(server.session, dir, localHolder('finish an interrupted run', randomUUID()))
      if (!lock) return { kind: 'verified' }
    } catch (err) {
      if ((err as { code?: string }).code === 'APP_BUSY') return undefined
      throw err
    }
  }
  try {
    // Read again under the lock: the run may have ended while the lock was being taken. Not at all when the
    // caller's lock saw no journal in the folder.
    const record = held && !held.mayHold(JOURNAL_FILE) ? undefined : await readServerJournal(server.session, dir)
    if (!record) return { kind: 'verified' }
    // Finishing it changes the folder: the caller's lock reads what it needs afresh.
    held?.forgetContents()
    const store = new RunJournalStore(server.session, deps.runs, lock)
    if (record.state === 'committed') {
      await commitRun(await server.docker(), record.engine)
      await store.finish(record)
      return { kind: 'verified' }
    }
    const log = (line: string) => deps.log.info(line, { server: server.serverId, app: record.app })
    const outcome = await rollBack(server, record, lock, store, { log, reachTimeoutMs, keepFolder: held !== undefined })
    // The folder kept for the caller's run was the earlier run's own making: it is the caller's to remove now.
    if (held && outcome.kind === 'verified' && !record.dirExisted) held.dirExisted = false
    if (outcome.kind === 'verified') {
      deps.log.info(`Finished the rollback of an interrupted ${record.kind} of "${record.app}" (started by ${record.holder} at ${record.startedAt}).`, { server: server.serverId })
      deps.events.emit('apps.changed', { serverId: server.serverId, app: record.app, change: 'rolled-back' })
    } else {
      deps.log.warn(`The interrupted ${record.kind} of "${record.app}" could not be rolled back yet.`, { server: server.serverId, outcome: JSON.stringify(outcome) })
    }
    return outcome
  } finally {
    if (!held) await lock.release()
  }
}

export async function resumeRuns(server: AppServer, deps: ResumeDeps): Promise<void> {
  const seen = new Set<string>()
  for (const dir of server.facts.journalDirs ?? (await journalDirs(server.session, appsRoot(server.facts)))) {
    const record = await readServerJournal(server.session, dir)
    if (record) seen.add(record.runId)
    await finishRun(server, dir, deps)
  }
  // A copy here whose journal the server no longer has was finished elsewhere, or never got to change anything.
  for (const row of deps.runs.unfinished(server.serverId)) if (!seen.has(row.runId)) deps.runs.delete(row.runId)
}

export interface ResumingAccess extends ServerAccess {
  /**
   * The app's server with the app's lock taken. On a connection that has not read the server's facts yet (the
   * first apps call, as every CLI command's is) the lock's command reads them too: one exchange for both. The
   * interrupted runs are finished after it (the app's own one first, the lock taken again after). `alongside`
   * gets the session just before the lock's command goes, to open the channels the call needs meanwhile.
   */
  lockApp(serverId: string, app: string, holder: LockHolder, look?: readonly string[], alongside?: (session: SshSession) => void): Promise<{ server: AppServer; lock: AppLock }>
}

/**
 * The server access the apps domain uses: the first call on each new connection finishes what earlier runs
 * left (once per connection; a failure there is logged and does not stop the call).
 */
export function resumingAccess(raw: ServerAccess, deps: ResumeDeps): ResumingAccess {
  const done = new WeakMap<SshSession, Promise<void>>()
  const resume = (serverId: string) =>
    appServer(raw, serverId)
      .then((server) => resumeRuns(server, deps))
      .catch((err: unknown) => deps.log.warn('Could not finish the interrupted app runs on the server', { server: serverId, error: err instanceof Error ? err.message : String(err) }))
  const session = async (serverId: string): Promise<SshSession> => {
    const s = await raw.session(serverId)
    let resumed = done.get(s)
    if (!resumed) {
      resumed = resume(serverId)
      done.set(s, resumed)
    }
    await resumed
    return s
  }
  const access: ServerAccess = {
    session,
    docker: async (serverId) => {
      await session(serverId)
      return raw.docker(serverId)
    },
    // Opening channels changes nothing on the server: no need to wait for the interrupted runs.
    dockerChannels: async (serverId, count) => raw.dockerChannels?.(serverId, count),
  }
  const lockApp: ResumingAccess['lockApp'] = async (serverId, app, holder, look = [], alongside) => {
    const dirInHome = appDirInHome(app)
    const s = await raw.session(serverId)
    if (done.has(s) || factsAsked(s)) {
      const server = await appServer(access, serverId)
      alongside?.(s)
      return { server, lock: await AppLock.acquire(s, appDir(server.facts, app), holder, look) }
    }
    alongside?.(s)
    const taking = AppLock.acquireInHome(s, dirInHome, holder, look, FACTS_SCRIPT).then(async ({ lock, output }) => {
      let facts: ServerFacts
      try {
        facts = parseFacts(output)
      } catch (err) {
        await lock.release()
        throw err
      }
      rememberFacts(s, facts)
      // An interrupted run of this very app is finished first, under the resume's own lock (its rollback may
      // take the folder away): this lock is let go, and taken again after.
      if (!facts.journalDirs?.includes(lock.dir)) return lock
      await lock.release()
      return undefined
    })
    // Resumed once the lock is taken (or refused), with the facts it read when it was.
    const resumed = taking.then(
      () => resume(serverId),
      () => resume(serverId),
    )
    done.set(s, resumed)
    const lock = await taking
    await resumed
    try {
      const server = await appServer(access, serverId)
      return { server, lock: lock ?? (await AppLock.acquire(s, appDir(server.facts, app), holder, look)) }
    } catch (err) {
      await lock?.release()
      throw err
    }
  }
  return { ...access, lockApp }
}
