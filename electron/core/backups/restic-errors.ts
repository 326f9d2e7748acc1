// restic's failures in Homeport's terms: a wrong password, a full target, a target out of reach. What
// restic printed goes into `details`, never into the message.

import { HomeportError } from '../../../shared/errors.js'
import type { ResticOutput } from './restic-container.js'

export function resticError(out: ResticOutput, what: string, repository: string): HomeportError {
  const text = `${out.stderr}\n${out.stdout}`.trim()
  const details = text.slice(-4000)
  if (/wrong password or no key found/i.test(text)) {
    return new HomeportError('BACKUP_AUTH_FAILED', `Repository ${repository} refused its password; could not ${what}.`, { details })
  }
  if (/no space left on device|ENOSPC|disk quota exceeded/i.test(text)) {
    return new HomeportError('DISK_FULL', `The disk holding repository ${repository} is full; could not ${what}.`, {
      hint: 'Free space where the repository lives (or apply a stricter retention to it), then run it again. The repository keeps the snapshots it had.',
      details,
    })
  }
  if (/connection refused|no route to host|could not resolve|network is unreachable|connection timed out|operation timed out|i\/o timeout|unable to start the sftp session|host key verification failed|permission denied \(publickey/i.test(text)) {
    const auth = /permission denied \(publickey/i.test(text)
    const hostKey = /host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(text)
    const message = hostKey
      ? `The host key of repository ${repository}'s host is not the one pinned; could not ${what}.`
      : auth
        ? `Repository ${repository}'s host refused the server's backup key; could not ${what}.`
        : `The server could not reach repository ${repository}; could not ${what}.`
    const hints = hostKey
      ? { hint: 'If that host was reinstalled, remove the repository and add it again with its new host key; otherwise someone may be intercepting the connection.' }
      : auth
        ? { hint: "Add the server's backup key (on the Backups page) to ~/.ssh/authorized_keys of that user on the target host.", cliHint: 'Add the key that `homeport backups key SERVER` prints to ~/.ssh/authorized_keys of that user on the target host.' }
        : {}
    return new HomeportError('BACKUP_TARGET_UNREACHABLE', message, { ...hints, details })
  }
  return new HomeportError('BACKUP_FAILED', `restic could not ${what} (repository ${repository}).`, { details })
}

/** restic's "there is no repository here" (which `init` then creates). */
export function isNoRepository(out: ResticOutput): boolean {
  return /unable to open config file: .*(no such file or directory|file does not exist|NoSuchKey|key does not exist|bucket does not exist|NoSuchBucket)/i.test(`${out.stderr}\n${out.stdout}`)
}
