// Which login methods a server offers, asked the way OpenSSH's client does: authenticate with `none` and
// read the list the server sends back. Nothing secret is sent, and the host key must be the pinned one.

import { Client } from 'ssh2'
import { HomeportError } from '../../../shared/errors.js'
import { fingerprintOfKeyBlob, mapSshError, sameFingerprint } from '../connection/index.js'

export async function offeredAuthMethods(target: { host: string; port: number; user: string; hostKey: string }, timeoutMs = 20_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const client = new Client()
    let methods: string[] | undefined
    let settled = false
    const finish = (err?: unknown) => {
      if (settled) return
      settled = true
      client.destroy()
      if (methods) resolve(methods)
      else reject(err instanceof HomeportError ? err : mapSshError(err ?? new Error('Connection closed before authentication'), { host: target.host, port: target.port, user: target.user }))
    }
    client.on('error', finish)
    client.on('close', () => finish())
    // A server that lets `none` in offers no list: it takes no password either.
    client.on('ready', () => {
      methods = []
      finish()
    })
    client.connect({
      host: target.host,
      port: target.port,
      username: target.user,
      readyTimeout: timeoutMs,
      hostVerifier: (keyBlob: Buffer) => {
        const presented = fingerprintOfKeyBlob(keyBlob)
        if (sameFingerprint(target.hostKey, presented)) return true
        finish(new HomeportError('HOST_KEY_MISMATCH', `The host key of ${target.host}:${target.port} has changed: Homeport pinned ${target.hostKey}, the server now presents ${presented}.`))
        return false
      },
      authHandler: (methodsLeft: string[] | null, _partial: boolean | null, next: (m: unknown) => void) => {
        if (methodsLeft === null) return next({ type: 'none', username: target.user })
        methods = [...methodsLeft]
        next(false)
      },
    } as never)
  })
}

export function offersPassword(methods: string[]): boolean {
  return methods.includes('password') || methods.includes('keyboard-interactive')
}
