import { LOCK_FILE } from './paths.js'
import { withFileLock } from './fresh-system/file-lock.js'

/**
 * Runs `fn` while holding an exclusive flock(1) on LOCK_FILE; a crashed run never leaves the machine locked
 * (see withFileLock).
 */
export function withMachineLock<T>(fn: () => Promise<T>, timeoutMs = 300_000): Promise<T> {
  return withFileLock(LOCK_FILE, 'exclusive', fn, timeoutMs)
}
