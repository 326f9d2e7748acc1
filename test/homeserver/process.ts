import { execFile, spawn, type SpawnOptions } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'

export interface RunOptions {
  env?: NodeJS.ProcessEnv
  input?: string | Buffer
  cwd?: string
  /** Return the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    super(`\`${command}\` exited with ${result.code}: ${(result.stderr || result.stdout).trim().slice(0, 2000)}`)
  }
}

/** Runs a program (no shell) and collects its output. */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env: options.env ?? process.env, cwd: options.cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        const result = { code, stdout, stderr }
        if (code !== 0 && !options.allowFailure) reject(new CommandError([file, ...args].join(' '), result))
        else resolve(result)
      },
    )
    if (options.input !== undefined) child.stdin?.end(options.input)
    else child.stdin?.end()
  })
}

/**
 * Starts a long-running process detached from our process group, output appended to a log file,
 * so that Vitest's worker teardown (or a Ctrl-C) does not kill it before our own teardown does.
 */
export function spawnDaemon(file: string, args: readonly string[], options: SpawnOptions & { logFd: number }): number {
  const { logFd, ...rest } = options
  const child = spawn(file, args, { ...rest, detached: true, stdio: ['ignore', logFd, logFd] })
  child.unref()
  if (child.pid === undefined) throw new Error(`could not start ${file}`)
  return child.pid
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  return !isZombie(pid)
}

function isZombie(pid: number): boolean {
  try {
    return readProcStat(pid).state === 'Z'
  } catch {
    return false
  }
}

function readProcStat(pid: number): { state: string; ppid: number } {
  // Synchronous so that isAlive stays usable in tight polling loops.
  // "pid (comm) S ppid ..." — comm may contain spaces and ')', so split after the last ')'.
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return { state: rest[0] ?? '', ppid: Number(rest[1]) }
}

/** Pids whose parent is `ppid` (read from /proc, no pgrep pattern matching). */
export function childPids(ppid: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readProcStat(Number(entry))
      if (stat.ppid === ppid && stat.state !== 'Z') children.push(Number(entry))
    } catch {
      // the process ended while we were listing
    }
  }
  return children
}

export async function readPidFile(path: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function stopPid(pid: number | undefined, graceMs = 5_000): Promise<void> {
  if (!isAlive(pid)) return
  try {
    process.kill(pid!, 'SIGTERM')
  } catch {
    return
  }
  if (await waitUntil(() => !isAlive(pid), graceMs)) return
  try {
    process.kill(pid!, 'SIGKILL')
  } catch {
    return
  }
  await waitUntil(() => !isAlive(pid), 2_000)
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it succeeded. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if (await check()) return true
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) return false
    await sleep(intervalMs)
  }
}

/**
 * Tear-down that runs every step even when an earlier one fails (one broken part must not leave the others
 * running), then throws all the failures at once, saying what was being torn down.
 */
export function teardownSteps(what: string): { attempt(step: () => Promise<unknown>): Promise<void>; finish(): void } {
  const errors: unknown[] = []
  return {
    async attempt(step) {
      try {
        await step()
      } catch (error) {
        errors.push(error)
      }
    },
    finish() {
      if (errors.length > 0) throw new AggregateError(errors, `${what} failed`)
    },
  }
}

/** A TCP port on 127.0.0.1 that is free right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export async function which(binary: string): Promise<string | undefined> {
  const result = await run('/bin/sh', ['-c', 'command -v "$1"', 'sh', binary], { allowFailure: true })
  return result.code === 0 ? result.stdout.trim() : undefined
}
