// SFTP attributes as the contract's FileEntryDto. SFTP v3 carries uid/gid numbers only; OpenSSH's listing
// also sends an `ls -l` line per entry, whose third and fourth words are the owner's and group's names.
// Names seen there are remembered per server, so a later stat of the same owner shows a name too.

import type { Attributes } from 'ssh2'
import type { FileEntryDto, FileType } from '../../../shared/contract/index.js'

const S_IFMT = 0o170000

export function fileType(mode: number): FileType {
  switch (mode & S_IFMT) {
    case 0o040000:
      return 'dir'
    case 0o100000:
      return 'file'
    case 0o120000:
      return 'symlink'
    default:
      return 'other'
  }
}

/** uid → user name and gid → group name, learnt from listings. */
export class OwnerNames {
  private readonly users = new Map<number, string>()
  private readonly groups = new Map<number, string>()

  learn(attrs: Attributes, longname: string | undefined): void {
    if (!longname) return
    const words = longname.trim().split(/\s+/)
    // An `ls -l` line: mode, links, owner, group, size…; anything else is left alone.
    if (words.length < 5 || !/^[-dlcbps][-rwxsStT]{9}/.test(words[0])) return
    this.users.set(attrs.uid, words[2])
    this.groups.set(attrs.gid, words[3])
  }

  rememberUser(uid: number, name: string): void {
    this.users.set(uid, name)
  }

  rememberGroup(gid: number, name: string): void {
    this.groups.set(gid, name)
  }

  knowsUser(uid: number): boolean {
    return this.users.has(uid)
  }

  knowsGroup(gid: number): boolean {
    return this.groups.has(gid)
  }

  user(uid: number): string {
    return this.users.get(uid) ?? String(uid)
  }

  group(gid: number): string {
    return this.groups.get(gid) ?? String(gid)
  }
}

/** `dir` + `name` without doubling the slash; `name` is used verbatim. */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`
}

export function baseName(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || trimmed
}

export function parentOf(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path
  const slash = trimmed.lastIndexOf('/')
  if (slash < 0) return '.'
  return slash === 0 ? '/' : trimmed.slice(0, slash)
}

/** What a listing tells of one entry, however it was listed (SFTP attributes, or find's fields). */
export interface EntryFacts {
  type: FileType
  size: number
  /** Permission bits only. */
  mode: number
  uid: number
  gid: number
  /** Whole seconds, as SFTP gives them. */
  mtimeMs: number
}

/** The contract's entry, owner and group named as far as `names` knows them. */
export function entryOf(path: string, facts: EntryFacts, names: OwnerNames, target?: string): FileEntryDto {
  return {
    name: baseName(path),
    path,
    ...facts,
    owner: names.user(facts.uid),
    group: names.group(facts.gid),
    ...(target !== undefined ? { target } : {}),
  }
}

export function toEntry(path: string, attrs: Attributes, names: OwnerNames, target?: string): FileEntryDto {
  const facts = { type: fileType(attrs.mode), size: attrs.size, mode: attrs.mode & 0o7777, uid: attrs.uid, gid: attrs.gid, mtimeMs: attrs.mtime * 1000 }
  return entryOf(path, facts, names, target)
}
