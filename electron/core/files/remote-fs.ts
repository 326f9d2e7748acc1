// Promise-shaped SFTP calls on the server's one SFTP channel, each failure worded with the path and the
// action. Bulk reads and writes (transfer/) talk to the channel directly; everything else goes through here.

import type { FileEntryWithStats, InputAttributes, SFTPWrapper, Stats } from 'ssh2'
import { renameIntoPlace, SFTP_STATUS, sftpIsOpen, sftpRequest, sftpStatus } from '../connection/sftp.js'
import type { SshSession } from '../connection/types.js'
import { fileError } from './file-errors.js'
import { readFolder } from './read-folder.js'

export class RemoteFs {
  constructor(
    readonly sftp: SFTPWrapper,
    /** The server's name as the person knows it, for messages. */
    readonly server: string,
  ) {}

  static async of(session: SshSession, server: string): Promise<RemoteFs> {
    return new RemoteFs(await session.sftp(), server)
  }

  private call<T>(path: string, action: string, fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
    return sftpRequest<T>(this.sftp, fn).catch((err: unknown) => {
      throw fileError(err, path, this.server, action)
    })
  }

  lstat(path: string): Promise<Stats> {
    return this.call(path, 'read', (cb) => this.sftp.lstat(path, cb))
  }

  stat(path: string): Promise<Stats> {
    return this.call(path, 'read', (cb) => this.sftp.stat(path, cb))
  }

  /** The entry's attributes, or undefined when nothing is there (a dangling name is not an error here). */
  async exists(path: string): Promise<Stats | undefined> {
    try {
      return await sftpRequest<Stats>(this.sftp, (cb) => this.sftp.lstat(path, cb))
    } catch (err) {
      if (sftpStatus(err) === SFTP_STATUS.NO_SUCH_FILE) return undefined
      throw fileError(err, path, this.server, 'read')
    }
  }

  readdir(path: string): Promise<FileEntryWithStats[]> {
    return readFolder(this.sftp, path).catch((err: unknown) => {
      throw fileError(err, path, this.server, 'list')
    })
  }

  readlink(path: string): Promise<string> {
    return this.call(path, 'read the link', (cb) => this.sftp.readlink(path, cb))
  }

  realpath(path: string): Promise<string> {
    return this.call(path, 'resolve', (cb) => this.sftp.realpath(path, cb))
  }

  mkdir(path: string, mode = 0o755): Promise<void> {
    return this.call(path, 'create the folder', (cb) => this.sftp.mkdir(path, { mode }, (err) => cb(err)))
  }

  rmdir(path: string): Promise<void> {
    return this.call(path, 'remove', (cb) => this.sftp.rmdir(path, (err) => cb(err)))
  }

  unlink(path: string): Promise<void> {
    return this.call(path, 'remove', (cb) => this.sftp.unlink(path, (err) => cb(err)))
  }

  /** `shownAs`: the path errors name (the destination, when `from` is a temporary name). */
  rename(from: string, to: string, replace: boolean, shownAs = from): Promise<void> {
    const renaming = sftpIsOpen(this.sftp) ? renameIntoPlace(this.sftp, from, to, replace) : sftpRequest<void>(this.sftp, () => {})
    return renaming.catch((err: unknown) => {
      throw fileError(err, shownAs, this.server, shownAs === from ? 'move' : 'write')
    })
  }

  open(path: string, flags: 'r' | 'r+' | 'w' | 'wx', mode?: number): Promise<Buffer> {
    const action = flags === 'r' ? 'read' : 'write'
    return this.call(path, action, (cb) => this.sftp.open(path, flags, mode === undefined ? {} : { mode }, cb))
  }

  close(handle: Buffer, path: string): Promise<void> {
    return this.call(path, 'close', (cb) => this.sftp.close(handle, (err) => cb(err)))
  }

  fstat(handle: Buffer, path: string): Promise<Stats> {
    return this.call(path, 'read', (cb) => this.sftp.fstat(handle, cb))
  }

  fsetstat(handle: Buffer, attrs: InputAttributes, path: string): Promise<void> {
    return this.call(path, 'change', (cb) => this.sftp.fsetstat(handle, attrs, (err) => cb(err)))
  }

  setstat(path: string, attrs: InputAttributes): Promise<void> {
    return this.call(path, 'change', (cb) => this.sftp.setstat(path, attrs, (err) => cb(err)))
  }

  symlink(target: string, linkPath: string): Promise<void> {
    // ssh2 swaps the arguments for OpenSSH's server, which has them the other way round from the draft.
    return this.call(linkPath, 'create the link', (cb) => this.sftp.symlink(target, linkPath, (err) => cb(err)))
  }

  /** Free bytes for this user on the filesystem that holds `path`; undefined when the server cannot tell. */
  async freeBytes(path: string): Promise<number | undefined> {
    try {
      const info = await sftpRequest<{ f_bavail: number; f_frsize: number }>(this.sftp, (cb) => this.sftp.ext_openssh_statvfs(path, cb))
      return Number(info.f_bavail) * Number(info.f_frsize)
    } catch {
      return undefined
    }
  }
}
