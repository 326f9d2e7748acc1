// Carries out a planned install or update under the app's lock, with its journal written before every step:
// the app's files, the engine's plan, then the commit. A failure anywhere hands the journal to the rollback,
// which waits for the server if the connection is gone, waits for steps still under way on the engine, undoes
// the run, and checks the result against the journal. Only a check that passes counts as "rolled back".

import { createHash } from 'node:crypto'
import { posix } from 'node:path'
import { HomeportError } from '../../../shared/errors.js'
import { applyPlan, newJournal, type ApplyEvent, type ApplyResult } from '../compose/engine/apply.js'
import { coalescedRecord } from '../compose/engine/apply-schedule.js'
import { describeStep } from '../compose/engine/journal.js'
import { COMPOSE_FILE } from '../compose/engine/container-spec.js'
import { commitRun, rollbackRun, verifyRun } from '../compose/engine/rollback.js'
import type { WaitOptions } from '../compose/engine/wait.js'
import { isServerOutOfReach } from '../connection/connection-lost.js'
import { readServerFileBytes } from '../connection/sftp.js'
import { waitForServer } from '../connection/wait-for-server.js'
import { appFiles, bindDirsToCreate, type PreparedApp } from './app-installer.js'
import type { AppLock } from './app-lock.js'
import { ensureDirs, writeAppFiles } from './app-paths.js'
import { secretsFolder, writeSecretFiles } from './app-secrets.js'
import type { AppServer } from './app-server.js'
import { missingDirs, readServerJournal, restoreFolder, snapshotFiles, verifyFolder, type RunJournalStore, type RunRecord } from './run-journal.js'

/** How the rollback of a failed run ended. */
export type RollbackOutcome =
  | { kind: 'verified' }
  | { kind: 'incomplete'; differences: string[] }
  | { kind: 'unreachable'; cause: HomeportError; left: string[] }
  | { kind: 'taken-over'; by: string }

/** A run that failed: what went wrong, and how its rollback ended. */
export class RunFailure extends Error {
  constructor(
    readonly failure: unknown,
    readonly outcome: RollbackOutcome,
  ) {
    super(failure instanceof Error ? failure.message : String(failure))
    this.name = 'RunFailure'
  }
}

export interface RunOptions {
  signal?: AbortSignal
  onEvent?: (event: ApplyEvent) => void
  log: (line: string) => void
  verify?: WaitOptions
  /** How long a rollback waits for the server to come back before leaving the rest to the next connect. */
  reachTimeoutMs?: number
  /**
   * The lock is held for a run that goes on in the folder (an install finishing an earlier run of its app
   * first): the folder stays even if the earlier run made it, since the lock, and the next run, live in it.
   */
  keepFolder?: boolean
}

const DEFAULT_REACH_MS = 120_000

/** Another Homeport finished this run while the connection was gone (the journal is no longer ours). */
class TakenOver extends HomeportError {
  constructor(app: string) {
    super('APP_BUSY', `Another Homeport took "${app}" over while the connection was down and finished what this run had left.`)
  }
}

/**
 * After the lock was taken again: the journal in the folder must still be this run's (another Homeport that
 * held the lock meanwhile would have finished the run and removed it) — or, before the first save, absent.
 */
async function assertStillOurs(server: AppServer, record: RunRecord, saved: boolean): Promise<void> {
  const current = await readServerJournal(server.session, record.dir)
  if (saved ? current?.runId !== record.runId : current !== undefined) throw new TakenOver(record.app)
}

/**
 * An install that moved nothing aside has nothing to clean up once committed, so removing its journal is its
 * commit: one exchange where writing "committed" and then removing it took two. Only an install's: its compose
 * file was not in the folder before and a rollback takes it away, so the file as this run wrote it with no
 * journal beside it can only mean the removal was done.
 */
function commitsByRemoval(record: RunRecord): boolean {
  return record.kind === 'install' && record.files.some((f) => f.name === COMPOSE_FILE && !f.existed) && !record.engine.steps.some((s) => s.op === 'move-aside')
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')

/**
 * The journal's removal was sent and its answer lost with the connection: taken again, the folder says whether
 * it was done. The journal still there is this run's to roll back; gone, with the compose file as written, the
 * install is committed (the removal is sent again, harmless, to drop this laptop's copy too).
 */
async function afterLostRemoval(server: AppServer, record: RunRecord, lock: AppLock, store: RunJournalStore, compose: string, opts: RunOptions): Promise<'committed' | 'still-there' | 'taken-over'> {
  await waitForServer(server.session, Date.now() + (opts.reachTimeoutMs ?? DEFAULT_REACH_MS))
  await lock.ensure()
  const journal = await readServerJournal(server.session, record.dir)
  if (journal?.runId === record.runId) return 'still-there'
  if (journal) return 'taken-over'
  const written = await readServerFileBytes(server.session, posix.join(record.dir, COMPOSE_FILE))
  if (!written || sha256(written.data) !== sha256(compose)) return 'taken-over'
  await store.finish(record)
  return 'committed'
}

/** What the run changed so far, as the person should know it if it cannot be undone now. */
export function changesOf(record: RunRecord): string[] {
  const files = record.files.map((f) => `${f.name} ${f.existed ? 'rewritten' : 'written'}`)
  return [...files, ...record.engine.steps.map(describeStep)]
}

export async function runApp(server: AppServer, prepared: PreparedApp, lock: AppLock, store: RunJournalStore, opts: RunOptions & { kind: RunRecord['kind'] }): Promise<ApplyResult> {
  const { session } = server
  const files = appFiles(prepared.definition)
  const dirs = bindDirsToCreate(prepared)
  const record: RunRecord = {
    version: 1,
    runId: lock.holder.runId,
    serverId: server.serverId,
    app: prepared.definition.name,
    kind: opts.kind,
    holder: lock.holder.holder,
    startedAt: new Date().toISOString(),
    state: 'applying',
    dir: prepared.dir,
    dirExisted: lock.dirExisted,
    files: [],
    createdDirs: [],
    engine: newJournal(lock.holder.runId, prepared.plan),
  }
  // What is there before the run changes anything, both asked at once.
  // A secrets folder this run makes is removed by a rollback with the rest; the secrets' contents stay out of the journal.
  const secretsDir = secretsFolder(prepared.dir, prepared.secrets)
  // Read through the lock: a file that was not in the folder when it was taken, or was read already, costs nothing.
  ;[record.files, record.createdDirs] = await Promise.all([snapshotFiles((name) => lock.readBefore(name), Object.keys(files)), missingDirs(session, secretsDir ? [...dirs, secretsDir] : dirs)])
  let saved = false
  // Steps written down in the same turn share one write (the engine's first steps join the run's first write).
  const persist = coalescedRecord(async () => {
    await lock.ensure(() => assertStillOurs(server, record, saved))
    await store.save(record)
    saved = true
  })
  let result: ApplyResult
  // Once the journal's removal is on its way, the result: from there a lost answer may mean the install is done.
  let removing: ApplyResult | undefined
  try {
    // The files upload while the journal that names them is written, and are put in place only after it; the
    // engine's work goes on meanwhile (containers read nothing from these files), after the mounts' folders.
    const journaled = persist()
    journaled.catch(() => undefined)
    const uploaded = writeAppFiles(session, prepared.dir, files, { folderExists: lock.held, renameAfter: journaled })
    if (dirs.length || secretsDir) await journaled
    if (dirs.length) await ensureDirs(session, dirs)
    // Containers read the secrets at start: they are in place before the engine's work begins.
    if (prepared.secrets) await writeSecretFiles(session, prepared.dir, prepared.secrets)
    const applying = applyPlan(await server.docker(), prepared.project, prepared.plan, {
      images: prepared.images,
      hashes: prepared.hashes,
      envFromFiles: prepared.envFromFiles,
      signal: opts.signal,
      onEvent: opts.onEvent,
      verify: opts.verify,
      journal: record.engine,
      record: persist,
    })
    // Both settle before anything is thrown, so a rollback never races an upload still under way.
    const [applied, upload] = await Promise.allSettled([applying, uploaded])
    if (applied.status === 'rejected') throw applied.reason
    if (upload.status === 'rejected') throw upload.reason
    result = applied.value
    if (commitsByRemoval(record)) {
      await lock.ensure(() => assertStillOurs(server, record, saved))
      removing = result
      await store.finish(record)
      return result
    }
    record.state = 'committed'
    await persist()
  } catch (err) {
    // Nothing is changed before the journal is first written: there is nothing to undo.
    if (!saved) throw err
    if (err instanceof TakenOver) throw new RunFailure(err, { kind: 'taken-over', by: err.message })
    if (removing && isServerOutOfReach(err)) {
      const after = await afterLostRemoval(server, record, lock, store, files[COMPOSE_FILE], opts).catch(() => 'still-there' as const)
      if (after === 'committed') return removing
      if (after === 'taken-over') throw new RunFailure(err, { kind: 'taken-over', by: new TakenOver(record.app).message })
    }
    // The cause is the job's error, told once there; the log says what is being undone.
    opts.log(`Rolling back. To undo: ${changesOf(record).join(', ') || 'nothing yet'}.`)
    throw new RunFailure(err, await rollBack(server, record, lock, store, opts))
  }
  // Committed: what was moved aside goes. Should that be cut off, the next connect finishes it.
  try {
    await commitRun(await server.docker(), record.engine)
    await store.finish(record)
  } catch (err) {
    opts.log(`The old containers are removed the next time Homeport connects (${err instanceof Error ? err.message : String(err)}).`)
  }
  return result
}

/**
 * Undoes `record` and checks the result. Waits for the server (up to `reachTimeoutMs`) when the connection is
 * gone, and starts over after every drop: each action is harmless when repeated. The journal is deleted only
 * when the check passes; otherwise both copies stay for the next connect.
 */
export async function rollBack(server: AppServer, record: RunRecord, lock: AppLock, store: RunJournalStore, opts: RunOptions): Promise<RollbackOutcome> {
  const deadline = Date.now() + (opts.reachTimeoutMs ?? DEFAULT_REACH_MS)
  let lastError: unknown
  for (let attempt = 1; attempt <= 20; attempt++) {
    try {
      await waitForServer(server.session, deadline)
    } catch (cause) {
      store.saveLocal(record)
      return { kind: 'unreachable', cause: cause instanceof HomeportError ? cause : new HomeportError('CONNECTION_LOST', undefined, { cause }), left: changesOf(record) }
    }
    try {
      await lock.ensure(() => assertStillOurs(server, record, true))
      if (record.state !== 'rolling-back') {
        record.state = 'rolling-back'
        await store.save(record)
      }
      const docker = await server.docker()
      const problems = await rollbackRun(docker, record.engine, { log: opts.log })
      await restoreFolder(server.session, record)
      const differences = [...(await verifyRun(docker, record.engine)), ...(await verifyFolder(server.session, record))]
      if (differences.length) {
        for (const p of problems) opts.log(`Rollback: ${p}`)
        opts.log(`The rollback is not complete: ${differences.join('; ')}.`)
        return { kind: 'incomplete', differences }
      }
      await store.finish(record, { removeDir: !record.dirExisted && !opts.keepFolder })
      opts.log('Rolled back, and checked: every container, network, volume and file is as it was.')
      return { kind: 'verified' }
    } catch (err) {
      if (err instanceof TakenOver || (err instanceof HomeportError && err.code === 'APP_BUSY')) return { kind: 'taken-over', by: err.message }
      if (!isServerOutOfReach(err)) return { kind: 'incomplete', differences: [`the rollback failed: ${err instanceof Error ? err.message : String(err)}`] }
      lastError = err
      opts.log(`Rolling back: the connection was lost again (${err instanceof Error ? err.message : String(err)}); waiting for it.`)
    }
  }
  return { kind: 'incomplete', differences: [`the rollback kept losing the connection: ${lastError instanceof Error ? lastError.message : String(lastError)}`] }
}
