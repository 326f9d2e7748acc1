// Failures on this computer's side of a transfer, worded like the server's.

import { HomeportError } from '../../../../shared/errors.js'

export function localError(err: unknown, path: string, action: string): HomeportError {
  if (err instanceof HomeportError) return err
  const code = (err as { code?: unknown } | undefined)?.code
  const raw = err instanceof Error ? err.message : String(err)
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new HomeportError('DISK_FULL', `The disk that holds ${path} on this computer is full; nothing was left half-written.`, {
        hint: 'Free some space on this computer or choose another folder, then try again.',
        details: raw,
      })
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new HomeportError('PERMISSION_DENIED', `Homeport may not ${action} ${path} on this computer.`, {
        hint: 'Choose a folder you may write to, or change its permissions.',
        details: raw,
      })
    case 'ENOENT':
      return new HomeportError('NOT_FOUND', `There is no ${path} on this computer.`, { hint: 'Check the path.', details: raw })
    default:
      return new HomeportError('INTERNAL', `Could not ${action} ${path} on this computer.`, { details: raw })
  }
}
