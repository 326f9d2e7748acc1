// Round trips ssh2 waits for that the protocol does not need. ssh2 has no option for any of this, so it leans
// on two of its internals (the client's `_protocol` and `_sock`); when a version of ssh2 lacks them, nothing
// is changed and ssh2 keeps its own pace.
//
// - The authentication request goes out right behind the userauth service request instead of after the
//   server's SERVICE_ACCEPT: the server reads them in order, so the request finds the service started.
//   It waits for the server's EXT_INFO, which comes in the same flight as the server's NEWKEYS and names
//   the signature algorithms an RSA key must use (RFC 8308); a server that sends none is answered at
//   SERVICE_ACCEPT, as before.
// - A key file's public key is offered signed at once (RFC 4252 §7 allows it) instead of first asking
//   whether the server would accept it: a key the server refuses costs the same one round trip as before.
// - The host keys OpenSSH announces after login (for clients that update known_hosts) are not asked to be
//   proven unless someone listens for them: proving costs the server a signature with each key, made ahead
//   of the first command.
// - Closing ends our side and lets go: the server's answer to our DISCONNECT carries nothing we need.
// Host keys are still verified during the key exchange, before any of this is sent.

import type { Socket } from 'node:net'
import type { Client } from 'ssh2'

type Handler = (...args: unknown[]) => void
type SignDone = (signature: Buffer) => void
type SignFn = (data: Buffer, done: SignDone) => void

interface ProtocolInternals {
  service(name: string): void
  requestSuccess(): void
  authPK(username: string, key: unknown, keyAlgo?: string | SignFn, cbSign?: SignFn): void
  _handlers?: Record<string, Handler | undefined>
}

interface PrivateKey {
  type: string
  isPrivateKey(): boolean
  sign(data: Buffer, hash?: string): Buffer | Error
}

function internals(client: Client): { proto?: ProtocolInternals; sock?: Socket } {
  const c = client as unknown as { _protocol?: ProtocolInternals; _sock?: Socket }
  return { proto: c._protocol, sock: c._sock }
}

function isPrivateKey(key: unknown): key is PrivateKey {
  const k = key as Partial<PrivateKey> | null
  return typeof k?.isPrivateKey === 'function' && typeof k.sign === 'function' && k.isPrivateKey()
}

/** The hash ssh2 signs with for each public key algorithm (its getKeyAlgos); others choose their own. */
function hashFor(keyAlgo: string | undefined): string | undefined {
  if (keyAlgo === 'rsa-sha2-256') return 'sha256'
  if (keyAlgo === 'rsa-sha2-512') return 'sha512'
  if (keyAlgo === 'ssh-rsa') return 'sha1'
  return undefined
}

/** Call right after `client.connect(config)`, before any answer from the server can have been read. */
export function pipelineHandshake(client: Client): void {
  const { proto } = internals(client)
  const handlers = proto?._handlers
  const accept = handlers?.SERVICE_ACCEPT
  const extInfo = handlers?.EXT_INFO
  if (!proto || !handlers || !accept || !extInfo || typeof proto.service !== 'function' || typeof proto.authPK !== 'function') return

  let requested = false
  let sawExtInfo = false
  let started = false
  const startAuth = (): void => {
    if (started) return
    started = true
    accept(proto, 'ssh-userauth')
  }
  const service = proto.service.bind(proto)
  proto.service = (name) => {
    service(name)
    if (name !== 'ssh-userauth') return
    requested = true
    if (sawExtInfo) startAuth()
  }
  handlers.EXT_INFO = (...args) => {
    extInfo(...args)
    sawExtInfo = true
    if (requested) startAuth()
  }
  handlers.SERVICE_ACCEPT = (p, name) => {
    if (name !== 'ssh-userauth') return accept(p, name)
    startAuth()
  }

  const globalRequest = handlers.GLOBAL_REQUEST
  if (globalRequest) {
    handlers.GLOBAL_REQUEST = (p, name, wantReply, ...rest) => {
      if (name !== 'hostkeys-00@openssh.com' || client.listenerCount('hostkeys') > 0) return globalRequest(p, name, wantReply, ...rest)
      if (wantReply) proto.requestSuccess()
    }
  }

  const authPK = proto.authPK.bind(proto)
  proto.authPK = (username, key, keyAlgo, cbSign) => {
    if (typeof keyAlgo === 'function' || cbSign || !isPrivateKey(key)) return authPK(username, key, keyAlgo, cbSign)
    const hash = hashFor(keyAlgo)
    return authPK(username, key, keyAlgo, (data, done) => {
      const signed = key.sign(data, hash)
      // A key that cannot sign is left to ssh2's usual check-first path, which reports the failure itself.
      if (signed instanceof Error) return void authPK(username, key, keyAlgo)
      done(signed)
    })
  }
}

/**
 * Ends the connection (DISCONNECT, then our half of TCP) and resolves once that has left this process,
 * without waiting for the server to close its side; a connection that cannot even do that within `graceMs`
 * is destroyed.
 */
export function hangUp(client: Client, graceMs = 2_000): Promise<void> {
  const { sock } = internals(client)
  return new Promise<void>((resolve) => {
    const letGo = (): void => {
      clearTimeout(timer)
      // client.destroy() leaves a socket alone once it has been ended.
      client.destroy()
      sock?.destroy?.()
      resolve()
    }
    const timer = setTimeout(letGo, graceMs).unref()
    client.once('close', letGo)
    client.end()
    if (sock?.destroyed || sock?.writableFinished) letGo()
    else sock?.once?.('finish', letGo)
  })
}
