// One server as the files domain sees it: its live SSH session, its name for messages, the owner names learnt
// from its listings and its home folder (where relative paths start). Every operation in this folder takes one.

import type { SshSession } from '../connection/types.js'
import { joinPath, OwnerNames } from './file-entry.js'
import { RemoteFs } from './remote-fs.js'

export interface HostTarget {
  serverId: string
  /** The server's name as the person knows it. */
  server: string
  session: SshSession
  names: OwnerNames
  /** The SFTP channel of the current connection (a new one after a reconnect). */
  fs(): Promise<RemoteFs>
  /** The SSH user's home folder, asked once per server. */
  home(): Promise<string>
}

/** What the domain keeps per server between calls. */
export interface ServerMemo {
  names: OwnerNames
  home?: Promise<string>
}

export function newServerMemo(): ServerMemo {
  return { names: new OwnerNames() }
}

export function hostTarget(serverId: string, server: string, session: SshSession, memo: ServerMemo): HostTarget {
  const target: HostTarget = {
    serverId,
    server,
    session,
    names: memo.names,
    fs: () => RemoteFs.of(session, server),
    home: () => {
      memo.home ??= target.fs().then((fs) => fs.realpath('.'))
      memo.home.catch(() => (memo.home = undefined))
      return memo.home
    },
  }
  return target
}

/** The path made absolute against the home folder: commands on the server then never see a leading `-`. */
export async function absolutePath(target: HostTarget, path: string): Promise<string> {
  if (path.startsWith('/')) return path
  const home = await target.home()
  return path === '.' || path === './' ? home : joinPath(home, path.replace(/^\.\//, ''))
}
