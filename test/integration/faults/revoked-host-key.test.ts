// A host key marked @revoked in known_hosts is refused everywhere, before any login: trust-on-first-use does
// not pin it, a plain entry for the same key does not vouch for it, and a key pinned before it was revoked
// stops working at the next connect.

import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { sshdLogSince, sshdLogSize, useHomeServer } from '../../homeserver/helpers.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'

const hs = useHomeServer()

/** `ssh-ed25519 AAAA…` of the main sshd's ed25519 host key, the one Homeport is offered. */
function serverKey(): string {
  const config = fs.readFileSync(hs.sshdConfigPath, 'utf8')
  const keyFile = /^HostKey (\S+_ed25519_key)$/m.exec(config)?.[1]
  if (!keyFile) throw new Error(`no ed25519 HostKey in ${hs.sshdConfigPath}`)
  return fs.readFileSync(`${keyFile}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ')
}

const hostField = () => `[${hs.host}]:${hs.sshPort}`

describe('a @revoked host key', () => {
  let t: TestCore | undefined
  afterEach(async () => {
    await t?.close()
    t = undefined
  })

  it('is not pinned by trust-on-first-use, and nobody logs in', async () => {
    t = await openTestCore()
    fs.writeFileSync(t.knownHostsPath, `@revoked * ${serverKey()}\n`)
    const offset = await sshdLogSize()
    const { hostKey: _pinned, ...input } = homeServerInput(hs)
    await expect(t.call('servers.add', { ...input, trustOnFirstUse: true })).rejects.toMatchObject({ code: 'HOST_KEY_MISMATCH', message: expect.stringContaining('@revoked') })
    expect(await t.call('servers.list', {})).toEqual([])
    expect(await sshdLogSince(offset)).not.toMatch(/Accepted|Failed (publickey|password)/)
  })

  it('is refused when known_hosts also lists it as a plain entry for the host', async () => {
    t = await openTestCore()
    fs.writeFileSync(t.knownHostsPath, `${hostField()} ${serverKey()}\n@revoked * ${serverKey()}\n`)
    const { hostKey: _pinned, ...input } = homeServerInput(hs)
    await expect(t.call('servers.add', input)).rejects.toMatchObject({ code: 'HOST_KEY_MISMATCH' })
    expect(await t.call('servers.list', {})).toEqual([])
  })

  it('stops a key pinned before it was revoked from working', async () => {
    t = await openTestCore()
    await t.call('servers.add', homeServerInput(hs))
    expect((await t.call('servers.connect', { id: 'home' })).state).toBe('ready')
    await t.call('servers.disconnect', { id: 'home' })
    fs.writeFileSync(t.knownHostsPath, `@revoked ${hostField()} ${serverKey()}\n`)
    await expect(t.call('servers.connect', { id: 'home' })).rejects.toMatchObject({ code: 'HOST_KEY_MISMATCH', message: expect.stringContaining('@revoked') })
  })
})
