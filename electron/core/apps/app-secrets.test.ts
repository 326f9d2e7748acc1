import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { HomeportError } from '../../../shared/errors.js'
import type { AppDefinition } from './app-definitions.js'
import { readAppSecrets, secretsFolder, usesSecretFiles } from './app-secrets.js'
import type { AppServer } from './app-server.js'

const server = { facts: { home: '/home/ann', uid: 1000, gid: 1000, timezone: 'UTC' } } as unknown as AppServer
const folder = mkdtempSync(join(tmpdir(), 'homeport-secrets-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const compose = `services:
  db:
    image: mariadb
    secrets:
      - pw
      - source: key
        mode: 0444
secrets:
  pw:
    file: ./pw.txt
  key:
    environment: API_KEY
`
const definition = (env = 'API_KEY=k-1\n'): AppDefinition => ({ name: 'shop', compose, env }) as AppDefinition

async function failure(promise: Promise<unknown>): Promise<HomeportError> {
  try {
    await promise
  } catch (err) {
    return err as HomeportError
  }
  throw new Error('did not fail')
}

describe('readAppSecrets', () => {
  it('reads file secrets beside the compose file and variable secrets from the app, each with its SHA-256 and mode', async () => {
    writeFileSync(join(folder, 'pw.txt'), 'hunter2')
    const secrets = await readAppSecrets(server, definition(), folder)
    expect(Object.keys(secrets).sort()).toEqual(['key', 'pw'])
    expect(secrets.pw).toEqual({ content: Buffer.from('hunter2'), sha256: createHash('sha256').update('hunter2').digest('hex'), mode: 0o400 })
    expect(secrets.key.content.toString()).toBe('k-1')
    expect(secrets.key.mode).toBe(0o444)
    expect(usesSecretFiles(server, definition())).toBe(true)
    expect(secretsFolder('/srv/shop', secrets)).toBe('/srv/shop/secrets')
    expect(secretsFolder('/srv/shop', {})).toBeUndefined()
  })

  it('names the secret, the file and the fix when the file is missing, without its content anywhere', async () => {
    rmSync(join(folder, 'pw.txt'), { force: true })
    const err = await failure(readAppSecrets(server, definition(), folder))
    expect(err.code).toBe('SECRET_SOURCE_MISSING')
    expect(err.message).toBe(`"shop" was not changed: secret "pw" comes from ${join(folder, 'pw.txt')}, which does not exist.`)
    expect(err.cliHint).toMatch(/^Create .*pw\.txt with the secret's value \(or correct file: under secrets: pw in the compose file\), then run the command again\.$/)
  })

  it("refuses when the compose file's folder is not known, and when the variable has no value", async () => {
    writeFileSync(join(folder, 'pw.txt'), 'hunter2')
    expect((await failure(readAppSecrets(server, definition(), undefined))).cliHint).toMatch(/--file/)
    const noVar = await failure(readAppSecrets(server, definition(''), folder))
    expect(noVar.message).toContain('secret "key" takes its value from the variable API_KEY, which has none')
    expect(noVar.cliHint).toContain('--env API_KEY=VALUE')
  })
})
