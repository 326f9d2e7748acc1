// Runs commands as root on the server. The sudo password is held by the running job only: it goes to sudo
// on stdin (`-S`), with `-k` on every call so sudo always reads it — a cached timestamp would otherwise let
// the password line fall through to the command's own stdin. It never reaches a log, an event or a file.

import { HomeportError } from '../../../shared/errors.js'
import { channelExit } from '../connection/exec.js'
import { quoteArgv } from '../connection/quote.js'
import type { SshSession } from '../connection/types.js'

export type SudoMode = { kind: 'root' } | { kind: 'passwordless' } | { kind: 'password'; password: string }

/** argv as the user reads it in the plan: what runs, with `sudo` in front when it runs as root. */
export function shownCommand(argv: string[], asRoot: boolean): string {
  return (asRoot ? 'sudo ' : '') + quoteArgv(argv)
}

function sudoArgv(mode: SudoMode, argv: string[]): string[] {
  if (mode.kind === 'root') return argv
  if (mode.kind === 'passwordless') return ['sudo', '-n', '--', ...argv]
  return ['sudo', '-S', '-k', '-p', '', '--', ...argv]
}

export function refusal(stderr: string): HomeportError | undefined {
  if (/incorrect password|Sorry, try again|no password was provided|authentication failure/i.test(stderr)) return new HomeportError('SUDO_AUTH_FAILED', undefined, { details: stderr.trim() })
  if (/not in the sudoers|not allowed to (run|execute)|may not run sudo/i.test(stderr)) return new HomeportError('SUDO_UNAVAILABLE', undefined, { details: stderr.trim() })
  if (/a password is required/i.test(stderr)) return new HomeportError('SUDO_AUTH_FAILED', 'sudo needs a password for this user.', { hint: 'Give the sudo password when set-up asks for it.', details: stderr.trim() })
  return undefined
}

/** Checks the password (or passwordless sudo) without running anything else; SUDO_AUTH_FAILED when refused. */
export async function validateSudo(session: SshSession, mode: SudoMode): Promise<void> {
  if (mode.kind === 'root') return
  const argv = mode.kind === 'passwordless' ? ['sudo', '-n', '-v'] : ['sudo', '-S', '-k', '-p', '', '-v']
  const res = await session.exec(argv, { ...(mode.kind === 'password' ? { stdin: `${mode.password}\n` } : {}), timeoutMs: 30_000 })
  if (res.code === 0) return
  throw refusal(res.stderr) ?? new HomeportError('SUDO_AUTH_FAILED', undefined, { details: res.stderr.trim() })
}

export interface RunOptions {
  asRoot: boolean
  sudo?: SudoMode
  signal?: AbortSignal
  /** Each line of output as it arrives (stdout and stderr), for the job's log. */
  onLine?: (line: string) => void
}

/** Runs argv (as root through sudo when asked), streaming its output; resolves with the exit code. */
export async function runStreamed(session: SshSession, argv: string[], opts: RunOptions): Promise<{ code: number; output: string }> {
  const full = opts.asRoot ? sudoArgv(opts.sudo ?? { kind: 'passwordless' }, argv) : argv
  const channel = await session.execStream(full)
  const lines: string[] = []
  const pump = (stream: NodeJS.ReadableStream) => {
    let rest = ''
    stream.on('data', (chunk: Buffer) => {
      rest += chunk.toString('utf8')
      const parts = rest.split(/\r?\n/)
      rest = parts.pop() ?? ''
      for (const line of parts) {
        lines.push(line)
        opts.onLine?.(line)
      }
    })
    stream.on('end', () => {
      if (rest) {
        lines.push(rest)
        opts.onLine?.(rest)
      }
    })
  }
  pump(channel)
  pump(channel.stderr)
  const onAbort = () => {
    try {
      channel.signal('KILL')
    } catch {
      /* the channel may be gone already */
    }
    channel.close()
  }
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    if (opts.asRoot && opts.sudo?.kind === 'password') channel.end(`${opts.sudo.password}\n`)
    else channel.end()
    const exit = await channelExit(channel)
    if (opts.signal?.aborted) throw new HomeportError('CANCELLED')
    if (exit.code === undefined && exit.signal === undefined) {
      throw new HomeportError('CONNECTION_LOST', `The connection was lost while running ${argv[0]}.`, { hint: 'Run set-up again: it resumes where it stopped.' })
    }
    const output = lines.join('\n')
    if (opts.asRoot && exit.code !== 0) {
      const refused = refusal(output)
      if (refused) throw refused
    }
    return { code: exit.code ?? -1, output }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
  }
}
