// The server's side of a transfer as a SourceTree (downloads) and a DestinationTree (uploads), over SFTP.

import type { Attributes } from 'ssh2'
import { HomeportError } from '../../../../shared/errors.js'
import { fileType, joinPath } from '../file-entry.js'
import type { RemoteFs } from '../remote-fs.js'
import type { DestinationTree, Node, SourceTree } from './transfer-plan.js'

export function remoteNode(attrs: Attributes): Node {
  const kind = fileType(attrs.mode)
  return { kind, size: kind === 'file' ? attrs.size : 0, mode: attrs.mode & 0o7777, atime: attrs.atime, mtime: attrs.mtime }
}

export function remoteSource(fs: RemoteFs): SourceTree {
  return {
    lstat: async (path) => remoteNode(await fs.lstat(path)),
    list: async (dir) => (await fs.readdir(dir)).map((f) => ({ name: f.filename, node: remoteNode(f.attrs) })),
    readlink: (path) => fs.readlink(path),
    join: joinPath,
  }
}

export function remoteDestination(fs: RemoteFs): DestinationTree {
  return {
    async taken(dir) {
      try {
        const found = await fs.readdir(dir)
        return new Map(found.map((f) => [f.filename, fileType(f.attrs.mode)]))
      } catch (err) {
        if (err instanceof HomeportError && err.code === 'NOT_FOUND') return undefined
        throw err
      }
    },
    join: joinPath,
  }
}
