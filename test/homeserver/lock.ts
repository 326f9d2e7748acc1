import { spawn } from 'node:child_process'
import { LOCK_FILE } from './paths.js'

/**
 * Runs `fn` while holding an exclusive flock(1) on LOCK_FILE. The lock is held by a child `flock` whose
 * command waits on its stdin: if this process dies, the pipe closes and the lock is released by the kernel,
 * so a crashed run never leaves the machine locked.
 */
export async function withMachineLock<T>(fn: () => Promise<T>, timeoutMs = 300_000): Promise<T> {
  const holder = spawn('flock', ['-x', '-w', String(Math.ceil(timeoutMs / 1000)), LOCK_FILE, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stderr = ''
  holder.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve())
    holder.once('error', reject)
    holder.once('exit', (code) => reject(new Error(`could not lock ${LOCK_FILE} (flock exited ${code}): ${stderr.trim()}`)))
  })
  try {
    return await fn()
  } finally {
    holder.stdin.end()
    await new Promise<void>((resolve) => {
      if (holder.exitCode !== null) resolve()
      else holder.once('exit', () => resolve())
    })
  }
}
