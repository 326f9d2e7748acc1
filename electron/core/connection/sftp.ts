// Files on the server over the session's one SFTP channel. A write goes to a temporary name in the same
// folder and is renamed into place, so a dropped connection never leaves half a file where the whole was.

import type { SFTPWrapper } from 'ssh2'
import type { SshSession } from './types.js'

// SFTP status code for a missing file (SSH_FX_NO_SUCH_FILE).
const NO_SUCH_FILE = 2

function sftpCall<T>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))))
}

async function writeAtomic(sftp: SFTPWrapper, path: string, content: string | Buffer, mode: number): Promise<void> {
  const temp = `${path}.homeport-${process.pid}-${Date.now()}.tmp`
  await sftpCall<void>((cb) => sftp.writeFile(temp, content, { mode }, (err) => cb(err)))
  try {
    // posix-rename@openssh.com replaces the target atomically; plain SFTP rename refuses an existing target.
    await sftpCall<void>((cb) => sftp.ext_openssh_rename(temp, path, (err) => cb(err)))
  } catch (err) {
    await sftpCall<void>((cb) => sftp.unlink(temp, (e) => cb(e))).catch(() => {})
    throw err
  }
}

/** Writes each file (path → content) in turn, each one whole or not at all; the folders must exist. */
export async function writeServerFiles(session: SshSession, files: { path: string; content: string | Buffer; mode: number }[]): Promise<void> {
  const sftp = await session.sftp()
  for (const f of files) await writeAtomic(sftp, f.path, f.content, f.mode)
}

/** The file as UTF-8 text, or undefined when there is no such file. */
export async function readServerFile(session: SshSession, path: string): Promise<string | undefined> {
  const sftp = await session.sftp()
  try {
    const data = await sftpCall<Buffer>((cb) => sftp.readFile(path, (err: Error | null | undefined, d?: Buffer) => cb(err, d)))
    return data.toString('utf8')
  } catch (err) {
    if ((err as { code?: number }).code === NO_SUCH_FILE) return undefined
    throw err
  }
}
