// A folder's entries from one command on the server: GNU find prints each entry's type, size, mode, owner
// and group ids, mtime and link target, NUL-separated, in one stream. SFTP needs a round trip per hundred
// entries plus one per symlink, and those round trips, not the server's work, are what a big folder costs.
// Owner names are not asked of find (it looks each one up again per entry: 4× the time for 10,000 entries)
// but once per server for the ids not yet known. Where find cannot do this (BusyBox, BSD: no -printf), or
// the command fails for any reason, the caller lists over SFTP, whose errors then name the problem.

import type { FileEntryDto, FileType } from '../../../shared/contract/index.js'
import type { SshSession } from '../connection/types.js'
import { entryOf, joinPath, type EntryFacts } from './file-entry.js'
import { absolutePath, type HostTarget } from './host-target.js'

/** Fields per entry, each ended by NUL: the name last, since it may hold anything but NUL and `/`. */
const FORMAT = '%y\\0%s\\0%m\\0%U\\0%G\\0%T@\\0%l\\0%f\\0'
const FIELDS = 8

/** Connections whose find has no -printf: SFTP from then on. */
const noPrintf = new WeakSet<SshSession>()

const TYPES: Record<string, FileType> = { f: 'file', d: 'dir', l: 'symlink' }

/** The entries of `path`, or undefined when the command could not give them (the caller uses SFTP). */
export async function listByFind(target: HostTarget, path: string): Promise<FileEntryDto[] | undefined> {
  const session = target.session
  if (noPrintf.has(session)) return undefined
  const absolute = await absolutePath(target, path)
  // -H: a folder named through a symlink is listed as SFTP would list it; the entries are never followed.
  const res = await session.exec(['env', 'LC_ALL=C', 'find', '-H', absolute, '-mindepth', '1', '-maxdepth', '1', '-printf', FORMAT], { timeoutMs: 60_000 }).catch(() => undefined)
  if (!res) return undefined
  if (res.code !== 0) {
    if (/printf|unrecognized|unknown predicate|invalid/i.test(res.stderr) && !res.stdout) noPrintf.add(session)
    return undefined
  }
  const fields = res.stdout.split('\0')
  // A whole number of entries and the empty string after the last NUL; anything else is not our format.
  if ((fields.length - 1) % FIELDS !== 0) return undefined
  const found: { name: string; facts: EntryFacts; link: string }[] = []
  for (let i = 0; i + FIELDS <= fields.length; i += FIELDS) {
    const [type, size, mode, uid, gid, mtime, link, name] = fields.slice(i, i + FIELDS)
    // Whole seconds, as SFTP gives them, so both ways of listing agree.
    const facts = { type: TYPES[type] ?? 'other', size: Number(size), mode: parseInt(mode, 8), uid: Number(uid), gid: Number(gid), mtimeMs: Math.floor(Number(mtime)) * 1000 }
    found.push({ name, facts, link })
  }
  await learnNames(target, found.map((f) => f.facts))
  return found.map(({ name, facts, link }) => entryOf(joinPath(path, name), facts, target.names, facts.type === 'symlink' ? link : undefined))
}

/** Asks the server (`getent`, both at once) for the names of the ids not met before; unknown stay numbers. */
async function learnNames(target: HostTarget, entries: EntryFacts[]): Promise<void> {
  const names = target.names
  const uids = [...new Set(entries.map((e) => e.uid))].filter((id) => !names.knowsUser(id))
  const gids = [...new Set(entries.map((e) => e.gid))].filter((id) => !names.knowsGroup(id))
  const ask = async (db: 'passwd' | 'group', ids: number[]): Promise<Map<number, string>> => {
    const found = new Map<number, string>()
    if (ids.length === 0) return found
    const res = await target.session.exec(['getent', db, ...ids.map(String)], { timeoutMs: 30_000 }).catch(() => undefined)
    // name:password:id:…, one line per id found (exit 2 when some were not).
    for (const line of res?.stdout.split('\n') ?? []) {
      const [name, , id] = line.split(':')
      if (name && id !== undefined && /^\d+$/.test(id)) found.set(Number(id), name)
    }
    // Asked once: an id without a name is shown as its number from then on.
    for (const id of ids) if (!found.has(id)) found.set(id, String(id))
    return found
  }
  const [users, groups] = await Promise.all([ask('passwd', uids), ask('group', gids)])
  for (const [uid, name] of users) names.rememberUser(uid, name)
  for (const [gid, name] of groups) names.rememberGroup(gid, name)
}
