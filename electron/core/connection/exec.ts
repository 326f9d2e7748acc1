// Runs one command on an exec channel and collects its output. The command line always comes from
// quoteArgv; with `loginShell` the quoted line is handed to `sh -lc` (quoted once more) so the remote
// user's profile sets PATH and DOCKER_HOST.

import type { Client, ClientChannel } from 'ssh2'
import { HomeportError } from '../../../shared/errors.js'
import { quoteArgv } from './quote.js'
import type { ExecOptions, ExecResult } from './types.js'

export function commandLine(argv: readonly string[], loginShell?: boolean): string {
  const line = quoteArgv(argv)
  return loginShell ? quoteArgv(['sh', '-lc', line]) : line
}

const exits = new WeakMap<ClientChannel, Promise<{ code?: number; signal?: string }>>()

/**
 * Opens an exec channel. Listeners for the exit status are attached inside ssh2's callback: the whole
 * reply (success, output, exit-status, close) can arrive in one chunk and is dispatched synchronously,
 * so anything attached a microtask later (after an await) would miss it.
 */
export async function openExecChannel(client: Client, command: string, pty?: boolean, onOpen?: (channel: ClientChannel) => void): Promise<ClientChannel> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openExecChannelOnce(client, command, pty, onOpen)
    } catch (err) {
      // An open failure means the command was never sent, so trying again is safe. sshd frees a session
      // slot only after its side of a channel close, which can lag behind ours by a moment.
      if (typeof (err as { reason?: unknown }).reason !== 'number' || attempt >= 4) throw err
      await new Promise((r) => setTimeout(r, 25 * attempt))
    }
  }
}

function openExecChannelOnce(client: Client, command: string, pty?: boolean, onOpen?: (channel: ClientChannel) => void): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    const cb = (err: Error | undefined, channel: ClientChannel): void => {
      if (err) return reject(err)
      let exit: { code?: number; signal?: string } = {}
      channel.on('exit', (code: number | null, signal?: string) => {
        exit = typeof code === 'number' ? { code } : { signal: signal ?? undefined }
      })
      exits.set(channel, new Promise((done) => channel.once('close', () => done(exit))))
      onOpen?.(channel)
      resolve(channel)
    }
    if (pty) client.exec(command, { pty: true }, cb)
    else client.exec(command, cb)
  })
}

/** Exit status of a channel from openExecChannel, once it has closed (`{}` when the connection dropped first). */
export function channelExit(channel: ClientChannel): Promise<{ code?: number; signal?: string }> {
  return exits.get(channel) ?? Promise.resolve({})
}

/**
 * Collects stdout/stderr and the exit status; abort and timeout kill the remote command and reject.
 * Must be called synchronously from openExecChannel's `onOpen`.
 */
export function collectExec(channel: ClientChannel, argv: readonly string[], who: string, opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    let code: number | undefined
    let signal: string | undefined
    let settled = false
    let timer: NodeJS.Timeout | undefined

    const finish = (err?: HomeportError): void => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      if (err) {
        try {
          // OpenSSH honours the signal request; closing the channel covers servers that do not.
          channel.signal('KILL')
        } catch {
          /* the channel may already be gone */
        }
        channel.close()
        return reject(err)
      }
      if (code === undefined && signal === undefined) {
        return reject(new HomeportError('CONNECTION_LOST', `The connection to ${who} was lost while running ${argv[0]}; it may or may not have finished.`, {
          hint: 'Homeport reconnects by itself; check the result on the server before running it again.',
        }))
      }
      resolve({
        code: code ?? -1,
        ...(signal ? { signal } : {}),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      })
    }
    const onAbort = (): void => finish(new HomeportError('CANCELLED', `Running ${argv[0]} on ${who} was cancelled.`))

    channel.on('data', (chunk: Buffer) => stdout.push(chunk))
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
      if (typeof exitCode === 'number') code = exitCode
      else if (exitSignal) signal = exitSignal
    })
    channel.on('close', () => finish())
    channel.on('error', () => {
      /* a channel error is followed by close; the exit status decides */
    })

    if (opts.signal?.aborted) return onAbort()
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => finish(new HomeportError('TIMEOUT', `${argv[0]} on ${who} did not finish within ${opts.timeoutMs} ms.`, {
        hint: 'The command was stopped; run it again with more time if it is expected to be slow.',
      })), opts.timeoutMs)
    }
    // Always close stdin: a command that reads it must see EOF rather than wait forever.
    if (opts.stdin !== undefined) channel.end(opts.stdin)
    else channel.end()
  })
}
