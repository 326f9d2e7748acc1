// Files on the server over the session's one SFTP channel. A write goes to a temporary name in the same
// folder and is renamed into place, so a dropped connection never leaves half a file where the whole was.
// Requests go through sftpRequest: ssh2 accepts a request on a channel whose connection has dropped and
// never answers it.

import type { SFTPWrapper } from 'ssh2'
import type { SshSession } from './types.js'

/** Below every server's SFTP write limit (OpenSSH takes 256 KiB; the protocol promises 32 KiB). */
const ONE_PACKET = 32 * 1024

// SFTP status code for a missing file (SSH_FX_NO_SUCH_FILE).
const NO_SUCH_FILE = 2

/** Pending requests per channel, failed together when it closes (one listener per channel, however many). */
const pending = new WeakMap<SFTPWrapper, Set<(err: Error) => void>>()

function pendingOn(sftp: SFTPWrapper): Set<(err: Error) => void> {
  let set = pending.get(sftp)
  if (!set) {
    const requests = new Set<(err: Error) => void>()
    const failAll = () => {
      for (const reject of [...requests]) reject(new Error('No response from server: the SFTP channel has closed'))
      requests.clear()
    }
    sftp.once('close', failAll)
    sftp.once('end', failAll)
    pending.set(sftp, requests)
    set = requests
  }
  return set
}

/**
 * One SFTP request that fails, rather than waits for ever, when the channel closes while it is pending (a
 * request taken into ssh2's queue in the moment the connection drops is neither sent nor failed).
 */
function sftpCall<T>(sftp: SFTPWrapper, fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const requests = pendingOn(sftp)
    requests.add(reject)
    fn((err, value) => {
      requests.delete(reject)
      if (err) reject(err)
      else resolve(value as T)
    })
  })
}

/**
 * Open, then write and close together, then rename: three round trips for a small file. The rename waits for the write's answer: sent with it, a failed write (a full disk) would still put
 * the short file in place of the whole one.
 */
async function writeAtomic(sftp: SFTPWrapper, path: string, content: string | Buffer, mode: number, renameAfter?: Promise<unknown>): Promise<void> {
  // Named by this process (app-lock.ts removes its own leftovers by this pattern after a cut).
  const temp = `${path}.homeport-${process.pid}-${Date.now()}.tmp`
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  const handle = await sftpRequest<Buffer>(sftp, (cb) => sftp.open(temp, 'w', { mode }, (err, h) => cb(err, h)))
  const writing = data.length
    ? sftpRequest<void>(sftp, (cb) => sftp.write(handle, data, 0, data.length, 0, (err) => cb(err)))
    : Promise.resolve()
  // ssh2 splits a write larger than one SFTP packet and sends the rest when the first part is answered: a
  // close sent alongside would overtake it. Small files (compose files, .env, journals) close at once.
  const closeNow = data.length <= ONE_PACKET
  if (!closeNow) await writing.catch(() => undefined)
  const closing = sftpRequest<void>(sftp, (cb) => sftp.close(handle, (err) => cb(err)))
  try {
    await Promise.all([writing, closing])
    await renameAfter
    // posix-rename@openssh.com replaces the target atomically; plain SFTP rename refuses an existing target.
    await sftpRequest<void>(sftp, (cb) => sftp.ext_openssh_rename(temp, path, (err) => cb(err)))
  } catch (err) {
    await Promise.allSettled([writing, closing])
    await sftpRequest<void>(sftp, (cb) => sftp.unlink(temp, (e) => cb(e))).catch(() => {})
    throw err
  }
}

/**
 * Writes the files (path → content), each one whole or not at all; the folders must exist. They go out
 * together on the one SFTP channel, so two files cost the round trips of one. `renameAfter`: the files are
 * written under their temporary names meanwhile, but put in place only once it resolves (and not at all if
 * it fails) — work that must come first (a journal) overlaps the upload instead of preceding it.
 */
export async function writeServerFiles(session: SshSession, files: { path: string; content: string | Buffer; mode: number }[], opts: { renameAfter?: Promise<unknown> } = {}): Promise<void> {
  const sftp = await session.sftp()
  const results = await Promise.allSettled(files.map((f) => writeAtomic(sftp, f.path, f.content, f.mode, opts.renameAfter)))
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
}

/** The file as UTF-8 text, or undefined when there is no such file. */
export async function readServerFile(session: SshSession, path: string): Promise<string | undefined> {
  return (await readServerFileBytes(session, path))?.data.toString('utf8')
}

export { sftpCall }

/** SFTP v3 status codes as ssh2 reports them in `err.code`. OpenSSH's server maps errno onto these: ENOENT →
 * NO_SUCH_FILE, EACCES/EPERM → PERMISSION_DENIED, and everything else (ENOSPC, EEXIST, EXDEV…) → FAILURE. */
export const SFTP_STATUS = { EOF: 1, NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, FAILURE: 4, OP_UNSUPPORTED: 8 } as const

export function sftpStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code
  return typeof code === 'number' ? code : undefined
}

/**
 * The temporary name a file is written under before the rename into place: hidden, in the same folder (so
 * the rename never crosses a filesystem), and fixed by `token` so a transfer can find it again to resume.
 */
export function tempSibling(path: string, token: string): string {
  const slash = path.lastIndexOf('/')
  return `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.homeport-${token}.part`
}

/** Renames into place: `replace` swaps atomically over an existing file (posix-rename), otherwise a taken name fails. */
export function renameIntoPlace(sftp: SFTPWrapper, from: string, to: string, replace: boolean): Promise<void> {
  return sftpRequest<void>(sftp, (cb) => (replace ? sftp.ext_openssh_rename(from, to, (err) => cb(err)) : sftp.rename(from, to, (err) => cb(err))))
}

/** One read request at `offset`; an empty buffer at the end of the file. */
function readChunk(sftp: SFTPWrapper, handle: Buffer, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length)
  return sftpRequest<number>(sftp, (cb) => sftp.read(handle, buffer, 0, length, offset, (err, bytesRead) => cb(err, bytesRead)))
    .then((n) => buffer.subarray(0, n))
    .catch((err: unknown) => {
      if ((err as { code?: number }).code === SFTP_STATUS.EOF) return Buffer.alloc(0)
      throw err
    })
}

/**
 * The file's exact bytes and permission bits, or undefined when there is no such file. Two round trips for a
 * small file: the open, then its attributes and first packet together (the close goes out unanswered-for).
 */
export async function readServerFileBytes(session: SshSession, path: string): Promise<{ data: Buffer; mode: number } | undefined> {
  const sftp = await session.sftp()
  let handle: Buffer
  try {
    handle = await sftpRequest<Buffer>(sftp, (cb) => sftp.open(path, 'r', (err, h) => cb(err, h)))
  } catch (err) {
    if ((err as { code?: number }).code === NO_SUCH_FILE) return undefined
    throw err
  }
  try {
    const [stats, first] = await Promise.all([sftpRequest<{ mode: number; size: number }>(sftp, (cb) => sftp.fstat(handle, (err, st) => cb(err, st))), readChunk(sftp, handle, 0, ONE_PACKET)])
    const chunks = [first]
    let done = first.length
    // A file longer than a packet is read on, up to the size it had when opened.
    while (done < stats.size) {
      const next = await readChunk(sftp, handle, done, ONE_PACKET)
      if (!next.length) break
      chunks.push(next)
      done += next.length
    }
    return { data: Buffer.concat(chunks), mode: stats.mode & 0o7777 }
  } finally {
    sftpRequest<void>(sftp, (cb) => sftp.close(handle, (err) => cb(err))).catch(() => undefined)
  }
}

/** Removes a file; one that is not there is fine. */
export async function removeServerFile(session: SshSession, path: string): Promise<void> {
  const sftp = await session.sftp()
  await sftpRequest<void>(sftp, (cb) => sftp.unlink(path, (err) => cb(err))).catch((err: unknown) => {
    if ((err as { code?: number }).code !== NO_SUCH_FILE) throw err
  })
}

/**
 * Whether requests can still go out on this channel. ssh2 takes a request on a closed SFTP channel as sent
 * and never answers it, so anything that may outlive a dropped connection checks first.
 */
export function sftpIsOpen(sftp: SFTPWrapper): boolean {
  // A connection that dropped marks only the incoming side closed; the outgoing one still reads 'open'.
  const channel = sftp as unknown as { outgoing?: { state?: string }; incoming?: { state?: string } }
  return channel.outgoing?.state === 'open' && channel.incoming?.state !== 'closed'
}

/** sftpCall on `sftp`, failing at once (as a lost connection) when the channel has closed. */
export function sftpRequest<T>(sftp: SFTPWrapper, fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  if (!sftpIsOpen(sftp)) return Promise.reject(new Error('No response from server: the SFTP channel has closed'))
  return sftpCall(sftp, fn)
}
