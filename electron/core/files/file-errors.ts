// What a failed file operation means to a person. SFTP answers with a handful of status codes; the path and
// the action come from the caller, so every message names the file and what was being done to it.

import { HomeportError } from '../../../shared/errors.js'
import { isConnectionLost } from '../connection/connection-lost.js'
import { SFTP_STATUS, sftpStatus } from '../connection/sftp.js'

export function notFound(path: string, server: string): HomeportError {
  return new HomeportError('NOT_FOUND', `There is no ${path} on ${server}.`, {
    hint: 'It may have been moved or deleted since the folder was listed: refresh the folder and check the name.',
  })
}

export function permissionDenied(path: string, server: string, action: string, details?: string): HomeportError {
  return new HomeportError('PERMISSION_DENIED', `The SSH user may not ${action} ${path} on ${server}.`, {
    hint: `Pick a place the SSH user may write to, or change the owner or mode of ${path} on the server (as root: chown, chmod).`,
    ...(details ? { details } : {}),
  })
}

export function nameClash(path: string, server: string, what = 'Something'): HomeportError {
  return new HomeportError('NAME_CLASH', `${what} named ${path} already exists on ${server}.`)
}

export function diskFull(path: string, server: string, freeBytes?: number, details?: string): HomeportError {
  const free = freeBytes === undefined ? '' : ` (${formatBytes(freeBytes)} free)`
  return new HomeportError('DISK_FULL', `The disk that holds ${path} on ${server} is full${free}; nothing was left half-written.`, details ? { details } : {})
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024
    i++
  }
  return i === 0 ? `${n} bytes` : `${n.toFixed(1)} ${units[i]}`
}

/**
 * Maps an SFTP (or connection) failure of `action` on `path`. A generic FAILURE stays INTERNAL here: the
 * callers that write know how to tell a full disk from the rest (statvfs) and do so before calling this.
 */
export function fileError(err: unknown, path: string, server: string, action: string): HomeportError {
  if (err instanceof HomeportError) return err
  const raw = err instanceof Error ? err.message : String(err)
  if (isConnectionLost(err)) {
    return new HomeportError('CONNECTION_LOST', `The connection to ${server} was lost while trying to ${action} ${path}.`, { details: raw })
  }
  switch (sftpStatus(err)) {
    case SFTP_STATUS.NO_SUCH_FILE:
      return notFound(path, server)
    case SFTP_STATUS.PERMISSION_DENIED:
      return permissionDenied(path, server, action, raw)
    default:
      return new HomeportError('INTERNAL', `${server} could not ${action} ${path}.`, {
        hint: 'See the details; the same action in a shell on the server usually says more.',
        details: raw,
      })
  }
}

/** Whether the failure is the connection going away (the operation may be retried once it is back). */
export function isLost(err: unknown): boolean {
  return isConnectionLost(err) || (err instanceof HomeportError && err.code === 'CONNECTION_LOST')
}
