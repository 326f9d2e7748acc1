// Builds ssh2's authHandler for one target. It runs after the host key has been accepted, so a passphrase
// or password is only asked for once we know whom we are talking to. Preparation errors (unreadable key,
// missing passphrase) are kept and reported instead of ssh2's generic "all methods failed".

import { readFile } from 'node:fs/promises'
// ssh2 is CommonJS: Node's named-export detection finds Client but not `utils`.
import ssh2, { type AuthenticationType, type AuthHandlerMiddleware, type ParsedKey } from 'ssh2'
import { HomeportError } from '../../../shared/errors.js'
import { describeTarget } from './ssh-errors.js'
import type { SshTarget } from './types.js'

type NextAuth = Parameters<Parameters<AuthHandlerMiddleware>[2]>[0]
// ssh2 accepts `false` ("no more methods") at runtime; its type declarations omit it.
const NO_MORE_METHODS = false as unknown as NextAuth

export interface AuthState {
  /** Set when preparing a method failed; it explains the failure better than ssh2's text. */
  error?: HomeportError
}

async function loadPrivateKey(target: Pick<SshTarget, 'identityFile' | 'getSecret' | 'host' | 'port' | 'user'>): Promise<ParsedKey> {
  const file = target.identityFile
  if (!file) throw new HomeportError('KEY_INVALID', `No key file is set for ${describeTarget(target)}.`)
  let data: Buffer
  try {
    data = await readFile(file)
  } catch (err) {
    throw new HomeportError('KEY_INVALID', `The key file ${file} could not be read.`, { details: String(err), cause: err })
  }
  let parsed = ssh2.utils.parseKey(data)
  if (parsed instanceof Error && /no passphrase given/i.test(parsed.message)) {
    const passphrase = await target.getSecret?.()
    if (!passphrase) throw new HomeportError('PASSPHRASE_REQUIRED', `The key ${file} is protected by a passphrase.`)
    parsed = ssh2.utils.parseKey(data, passphrase)
    if (parsed instanceof Error) {
      throw new HomeportError('KEY_INVALID', `The passphrase does not unlock the key ${file}.`, { details: parsed.message })
    }
  }
  if (parsed instanceof Error) throw new HomeportError('KEY_INVALID', `The key file ${file} is not a private key Homeport can read.`, { details: parsed.message })
  const key = Array.isArray(parsed) ? parsed[0] : parsed
  if (!key || !key.isPrivateKey()) throw new HomeportError('KEY_INVALID', `The key file ${file} holds no private key.`)
  return key
}

async function secretFor(target: SshTarget, what: string): Promise<string> {
  const secret = await target.getSecret?.()
  if (secret === undefined) {
    throw new HomeportError('AUTH_FAILED', `No ${what} was given for ${describeTarget(target)}.`, {
      hint: `Enter the ${what} for this server.`,
      cliHint: 'Pass it on standard input with --password-stdin (any command that connects takes it), or let Homeport log in with a key instead: `homeport provision SERVER --password-stdin` installs one.',
    })
  }
  return secret
}

type Step = { type: AuthenticationType; make: () => Promise<NextAuth> }

function stepsFor(target: SshTarget): Step[] {
  const username = target.user
  const keyboard = (): Step => ({
    type: 'keyboard-interactive',
    make: async () => {
      const secret = await secretFor(target, 'password')
      return { type: 'keyboard-interactive', username, prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => secret)) }
    },
  })
  const password = (): Step => ({
    type: 'password',
    make: async () => ({ type: 'password', username, password: await secretFor(target, 'password') }),
  })
  switch (target.authMethod) {
    case 'agent':
      return [{
        type: 'agent',
        make: async () => {
          const agent = target.agentSocket ?? process.env.SSH_AUTH_SOCK
          if (!agent) {
            throw new HomeportError('AUTH_FAILED', `No SSH agent is running for the login to ${describeTarget(target)}.`, {
              hint: 'Start ssh-agent and add your key (`ssh-add`), or choose a key file or password instead.',
            })
          }
          return { type: 'agent', username, agent }
        },
      }]
    case 'key':
      return [{ type: 'publickey', make: async () => ({ type: 'publickey', username, key: await loadPrivateKey(target) }) }]
    case 'password':
      return [password(), keyboard()]
    case 'keyboard-interactive':
      return [keyboard(), password()]
  }
}

export function makeAuthHandler(target: SshTarget, state: AuthState): AuthHandlerMiddleware {
  const steps = stepsFor(target)
  let next = 0
  let sent: AuthenticationType | undefined
  return (methodsLeft, _partial, callback) => {
    void (async () => {
      // The same secret is not offered twice: a fallback is only for servers that do not allow the first method.
      if (sent && methodsLeft?.includes(sent)) return callback(NO_MORE_METHODS)
      while (next < steps.length) {
        const step = steps[next++]
        // 'agent' is ssh2's name for publickey through an agent.
        const wireName = step.type === 'agent' ? 'publickey' : step.type
        if (methodsLeft && !methodsLeft.includes(wireName)) continue
        try {
          const auth = await step.make()
          sent = wireName
          callback(auth)
        } catch (err) {
          state.error = err instanceof HomeportError ? err : new HomeportError('AUTH_FAILED', undefined, { details: String(err), cause: err })
          callback(NO_MORE_METHODS)
        }
        return
      }
      callback(NO_MORE_METHODS)
    })()
  }
}
