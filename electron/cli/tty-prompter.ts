// Questions in a terminal. Without a terminal nothing can be asked, so a host-key question becomes
// HOST_KEY_UNKNOWN naming the fingerprint and the two flags that answer it up front, and a password the core
// needs comes from standard input with --password-stdin (or the core's AUTH_FAILED says to give it so).

import type { PromptRequest } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import type { Prompter } from '../core/runtime/index.js'

export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY)
}

function hostKeyUnknown(request: Omit<PromptRequest, 'id'>): HomeportError {
  const where = `${request.host}:${request.port}`
  return new HomeportError('HOST_KEY_UNKNOWN', `The host key of ${where} is not trusted yet: ${request.algorithm} ${request.fingerprint}.`, {
    hint: `Compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_${(request.algorithm ?? 'ed25519').replace(/^ssh-|-.*$/g, '')}_key.pub\` on the server, then run again with --host-key ${request.fingerprint} (or --trust-on-first-use).`,
  })
}

// readline and streams load only when there is a question: most commands never ask one.
async function question(text: string, hidden: boolean): Promise<string | undefined> {
  const [readline, { Writable }] = await Promise.all([import('node:readline'), import('node:stream')])
  let muted = false
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk)
      done()
    },
  })
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true })
  try {
    return await new Promise<string | undefined>((resolve) => {
      rl.on('close', () => resolve(undefined))
      rl.on('SIGINT', () => rl.close())
      rl.question(text, (answer) => resolve(answer))
      muted = hidden
    })
  } finally {
    if (hidden) process.stderr.write('\n')
    rl.close()
  }
}

/** A plain question in the terminal; the answer trimmed, or '' when the input ended. */
export async function askLine(text: string): Promise<string> {
  return ((await question(text, false)) ?? '').trim()
}

/** A secret typed in the terminal without echo; '' when the input ended. */
export async function askSecret(text: string): Promise<string> {
  return (await question(text, true)) ?? ''
}

/** A yes/no question in the terminal; anything but yes is no. */
export async function askYes(text: string): Promise<boolean> {
  return /^y(es)?$/i.test(await askLine(text))
}

export class TtyPrompter implements Prompter {
  /** `secretFromStdin`: --password-stdin was given, so a password or passphrase the core needs is read from there. */
  constructor(private readonly secretFromStdin?: () => Promise<string>) {}

  async ask(request: Omit<PromptRequest, 'id'>): Promise<boolean | string | undefined> {
    if (this.secretFromStdin && (request.kind === 'password' || request.kind === 'passphrase')) return this.secretFromStdin()
    if (request.kind === 'hostKey') {
      if (!isInteractive()) throw hostKeyUnknown(request)
      process.stderr.write(`${request.message}\n`)
      const answer = await question(`Trust ${request.algorithm} ${request.fingerprint}? (yes/no) `, false)
      return /^y(es)?$/i.test((answer ?? '').trim())
    }
    if (!isInteractive()) return undefined
    return question(`${request.title}: `, true)
  }
}
