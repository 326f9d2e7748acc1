// This computer's side of a transfer as a SourceTree (uploads) and a DestinationTree (downloads).

import { lstatSync, type Stats } from 'node:fs'
import { lstat, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { localError } from './local-errors.js'
import { eachSliced } from './sliced.js'
import type { DestinationTree, ItemKind, Node, SourceTree } from './transfer-plan.js'

function kindOf(st: Pick<Stats, 'isDirectory' | 'isFile' | 'isSymbolicLink'>): ItemKind {
  return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other'
}

function nodeOf(st: Stats): Node {
  const kind = kindOf(st)
  return { kind, size: kind === 'file' ? st.size : 0, mode: st.mode & 0o7777, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) }
}

async function mapped<T>(path: string, action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    throw localError(err, path, action)
  }
}

export const localSource: SourceTree = {
  lstat: (path) => mapped(path, 'read', async () => nodeOf(await lstat(path))),
  async list(dir) {
    const names = await mapped(dir, 'list', () => readdir(dir))
    // One lstat per name on this thread: thousands of pool hops cost more than the calls (sliced.ts).
    return eachSliced(names, (name) => {
      try {
        return { name, node: nodeOf(lstatSync(join(dir, name))) }
      } catch (err) {
        throw localError(err, join(dir, name), 'read')
      }
    })
  },
  readlink: (path) => mapped(path, 'read the link', () => readlink(path)),
  join,
}

export const localDestination: DestinationTree = {
  async taken(dir) {
    try {
      const entries = await readdir(dir, { withFileTypes: true })
      return new Map(entries.map((e) => [e.name, kindOf(e)]))
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined
      throw localError(err, dir, 'list')
    }
  },
  join,
}
