// The journal of one install or update run: the engine's steps (compose/engine/journal.ts) plus the app's
// folder as it was — each file the run writes, with its earlier bytes, and the folders it creates. It is
// written before each step to the app's folder on the server (where any Homeport that connects next finds
// it) and to this laptop's SQLite (without the files' contents, which may hold generated passwords).

import { createHash } from 'node:crypto'
import { posix } from 'node:path'
import type { EngineJournal } from '../compose/engine/journal.js'
import { readServerFileBytes, removeServerFile, writeServerFiles } from '../connection/sftp.js'
import type { SshSession } from '../connection/types.js'
import type { AppRunsRepo } from '../store/app-runs-repo.js'
import { JOURNAL_FILE, type AppLock } from './app-lock.js'

export { JOURNAL_FILE }

export interface FileBefore {
  name: string
  existed: boolean
  mode?: number
  sha256?: string
  /** Base64 of the earlier bytes; only in the server's copy. */
  content?: string
}

export interface RunRecord {
  version: 1
  runId: string
  serverId: string
  app: string
  kind: 'install' | 'update'
  holder: string
  startedAt: string
  state: 'applying' | 'rolling-back' | 'committed'
  dir: string
  dirExisted: boolean
  files: FileBefore[]
  /** Folders this run created (parents first), removed again by a rollback. */
  createdDirs: string[]
  engine: EngineJournal
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

export function journalPath(record: Pick<RunRecord, 'dir'>): string {
  return posix.join(record.dir, JOURNAL_FILE)
}

/** The app's files as they are before the run writes `names`, each read by `read` (AppLock.readBefore). */
export async function snapshotFiles(read: (name: string) => Promise<{ data: Buffer; mode: number } | undefined>, names: string[]): Promise<FileBefore[]> {
  return Promise.all(
    names.map(async (name): Promise<FileBefore> => {
      const file = await read(name)
      return file ? { name, existed: true, mode: file.mode, sha256: sha256(file.data), content: file.data.toString('base64') } : { name, existed: false }
    }),
  )
}

/** Of `dirs`, the ones missing now, with their missing parents, parents first. */
export async function missingDirs(session: SshSession, dirs: string[]): Promise<string[]> {
  if (!dirs.length) return []
  const script = 'for d do while [ ! -e "$d" ] && [ "$d" != / ]; do printf "%s\\n" "$d"; d=$(dirname -- "$d"); done; done; true'
  const res = await session.exec(['sh', '-c', script, 'sh', ...dirs])
  return [...new Set(res.stdout.split('\n').filter(Boolean))].sort((a, b) => a.length - b.length)
}

/**
 * Both copies of the journal, server first: a step is only taken once both are written. With the app's lock
 * held, the server's copy goes through the lock's channel (one round trip); otherwise over SFTP.
 */
export class RunJournalStore {
  constructor(
    private readonly session: SshSession,
    private readonly runs: AppRunsRepo,
    private readonly lock?: AppLock,
  ) {}

  async save(record: RunRecord): Promise<void> {
    const json = JSON.stringify(record)
    if (this.throughLock(record)) await this.lock?.writeJournal(json)
    else await writeServerFiles(this.session, [{ path: journalPath(record), content: json, mode: 0o600 }])
    this.saveLocal(record)
  }

  saveLocal(record: RunRecord): void {
    const local = { ...record, files: record.files.map(({ content: _content, ...f }) => f) }
    this.runs.save({ runId: record.runId, serverId: record.serverId, app: record.app, state: record.state, journal: JSON.stringify(local), startedAt: record.startedAt })
  }

  /**
   * The run is over (committed, or rolled back and checked): both copies go. `removeDir`: the app's folder did
   * not exist before the run, so it goes too, journal and all. With the lock held, through its channel.
   */
  async finish(record: RunRecord, opts: { removeDir?: boolean } = {}): Promise<void> {
    if (opts.removeDir) {
      const res = await this.session.exec(['rm', '-rf', '--', record.dir])
      if (res.code !== 0) throw new Error(`could not remove ${record.dir}: ${res.stderr.trim()}`)
    } else if (this.throughLock(record)) {
      await this.lock?.removeJournal()
    } else {
      await removeServerFile(this.session, journalPath(record))
    }
    this.runs.delete(record.runId)
  }

  /** Whether the server's copy goes through the lock's channel (held, on the run's folder). */
  private throughLock(record: RunRecord): boolean {
    return this.lock?.held === true && this.lock.dir === record.dir
  }
}

/** Reads the journal in an app's folder on the server, if there is one. */
export async function readServerJournal(session: SshSession, dir: string): Promise<RunRecord | undefined> {
  const file = await readServerFileBytes(session, posix.join(dir, JOURNAL_FILE))
  if (!file) return undefined
  try {
    const record = JSON.parse(file.data.toString('utf8')) as RunRecord
    return record.version === 1 && record.runId ? record : undefined
  } catch {
    return undefined
  }
}

/** Writes back every file the run wrote as it was (or removes it) and removes the folders it created. */
export async function restoreFolder(session: SshSession, record: RunRecord): Promise<void> {
  for (const f of record.files) {
    const path = posix.join(record.dir, f.name)
    if (f.existed && f.content !== undefined) await writeServerFiles(session, [{ path, content: Buffer.from(f.content, 'base64'), mode: f.mode ?? 0o600 }])
    else if (!f.existed) await removeServerFile(session, path)
  }
  for (const d of [...record.createdDirs].reverse()) {
    // Inside the app's folder nothing was there before; elsewhere only an empty folder is taken away.
    const inside = d.startsWith(`${record.dir}/`)
    await session.exec(inside ? ['rm', '-rf', '--', d] : ['rmdir', '--', d])
  }
}

/** What in the app's folder is not as the journal says it was. */
export async function verifyFolder(session: SshSession, record: RunRecord): Promise<string[]> {
  const differences: string[] = []
  for (const f of record.files) {
    const now = await readServerFileBytes(session, posix.join(record.dir, f.name))
    if (!f.existed && now) differences.push(`${f.name} is still in the app's folder`)
    else if (f.existed && !now) differences.push(`${f.name} is missing from the app's folder`)
    else if (f.existed && now && sha256(now.data) !== f.sha256) differences.push(`${f.name} differs from before`)
  }
  const left = record.createdDirs.filter((d) => d.startsWith(`${record.dir}/`))
  if (left.length) {
    const res = await session.exec(['sh', '-c', 'for d do [ -e "$d" ] && printf "%s\\n" "$d"; done; true', 'sh', ...left])
    for (const d of res.stdout.split('\n').filter(Boolean)) differences.push(`folder ${d} created by this run is still there`)
  }
  return differences
}
