// After servers with passwords and passphrases go through the core (added, connected, tested), no file
// under the data dir — SQLite database, its WAL, the log, the recorded events — holds any secret in
// plaintext, and the secrets are in the real OS keychain.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventMap, EventName } from '../../../shared/contract/index.js'
import type { EventSink, Logger } from '../../../electron/core/runtime/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { openTestCore, type TestCore } from './test-core.js'

const hs = useHomeServer()
const keytar = createRequire(import.meta.url)('keytar') as { getPassword(service: string, account: string): Promise<string | null> }

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name)
    return e.isDirectory() ? filesUnder(full) : [full]
  })
}

/** Every encoding a secret could plausibly be written in by accident. */
function encodings(secret: string): Buffer[] {
  return [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le'), Buffer.from(Buffer.from(secret).toString('base64'))]
}

describe('secrets never reach disk in plaintext', () => {
  let t: TestCore
  // Known before the core starts, which may already log and emit while it opens.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-secrets-'))
  const logFile = () => path.join(dataDir, 'homeport.log')
  const eventsFile = () => path.join(dataDir, 'events.jsonl')
  // A distinctive password of our own for a server that is only stored, on top of the real login secrets.
  const storedOnly = `hp-secret-${process.pid}-Zq9!$(x)`
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    const line = (level: string) => (message: string, meta?: Record<string, unknown>) =>
      fs.appendFileSync(logFile(), JSON.stringify({ level, message, meta }) + '\n')
    const log: Logger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') }
    const events: EventSink = {
      emit<E extends EventName>(event: E, payload: EventMap[E]) {
        fs.appendFileSync(eventsFile(), JSON.stringify({ event, payload }) + '\n')
      },
    }
    t = await openTestCore({ dataDir, keychain: true, log, events, clientId: 'secrets-test' })
  })

  afterAll(async () => {
    await t?.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('uses the real keychain', async () => {
    expect((await t.call('app.info', {})).secretStore).toBe('keychain')
  })

  it('refuses an invalid server naming the field, without repeating its secret', async () => {
    const error = await t.refused('servers.add', { name: 'bad', host: hs.host, port: 0, user: hs.user, authMethod: 'password', secret: storedOnly })
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/^Invalid input for servers\.add: port: /)
    expect(JSON.stringify(error)).not.toContain(storedOnly)
  })

  it('adds, connects and tests servers with a password and a passphrase, then finds no secret on disk', async () => {
    const common = { host: hs.host, port: hs.sshPort, user: hs.user, trustOnFirstUse: true }
    const byPassword = await t.call('servers.add', { ...common, name: 'pw', authMethod: 'password', secret: hs.password })
    const byPassphrase = await t.call('servers.add', { ...common, name: 'pp', authMethod: 'key', identityFile: hs.keys.encrypted, secret: hs.keys.encryptedPassphrase })
    const storedOnlyServer = await t.call('servers.add', { ...common, name: 'stored', authMethod: 'password', secret: storedOnly })
    Object.assign(ids, { pw: byPassword.id, pp: byPassphrase.id, stored: storedOnlyServer.id })
    expect(byPassword.hasSecret && byPassphrase.hasSecret).toBe(true)

    // Real logins with the stored secrets, so connection code paths (and their logs/events) run too.
    await t.call('servers.test', { id: 'pw' })
    await t.call('servers.test', { id: 'pp' })
    await t.call('settings.set', { key: 'theme', value: 'dark' })

    const files = filesUnder(dataDir)
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['homeport.db', 'homeport.db-wal', 'homeport.log']))
    for (const secret of [hs.password, hs.keys.encryptedPassphrase, storedOnly]) {
      for (const file of files) {
        const bytes = fs.readFileSync(file)
        for (const needle of encodings(secret)) expect(bytes.includes(needle), `${path.basename(file)} contains a secret`).toBe(false)
      }
    }
  })

  it('keeps the secrets in the OS keychain under service "homeport"', async () => {
    expect(await keytar.getPassword('homeport', `server:${ids.pw}:password`)).toBe(hs.password)
    expect(await keytar.getPassword('homeport', `server:${ids.pp}:passphrase`)).toBe(hs.keys.encryptedPassphrase)
    expect(await keytar.getPassword('homeport', `server:${ids.stored}:password`)).toBe(storedOnly)
  })

  it('removing a server deletes its keychain entry', async () => {
    await t.call('servers.remove', { id: 'stored' })
    expect(await keytar.getPassword('homeport', `server:${ids.stored}:password`)).toBeNull()
    await t.call('servers.remove', { id: 'pw' })
    await t.call('servers.remove', { id: 'pp' })
    expect(await keytar.getPassword('homeport', `server:${ids.pp}:passphrase`)).toBeNull()
  })
})
