import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export type LockMode = 'exclusive' | 'shared'

/**
 * Runs `fn` while a child `flock` holds `path`. The child waits on its stdin: if this process dies the pipe
 * closes, flock exits and the kernel drops the lock, so a crashed run never leaves it held. Shared holders
 * (runs copying the cached image) exclude only an exclusive one (a run rebuilding it).
 */
export async function withFileLock<T>(path: string, mode: LockMode, fn: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  mkdirSync(dirname(path), { recursive: true })
  const flag = mode === 'shared' ? '-s' : '-x'
  const seconds = String(Math.ceil(timeoutMs / 1000))
  const holder = spawn('flock', [flag, '-w', seconds, path, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stderr = ''
  holder.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve())
    holder.once('error', reject)
    holder.once('exit', (code) => reject(new Error(`could not lock ${path} within ${seconds} s (flock exited ${code}): ${stderr.trim()}`)))
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
