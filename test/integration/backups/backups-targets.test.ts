// Repositories away from the server, reached from the restic container on it: SFTP to an SSH host (the
// test sshd, with the server's own backup key authorised there and its host key pinned) and S3 (s3rver over
// HTTPS with a certificate made here). An SFTP target that does not answer, an unknown host key and a key the
// target refuses each fail clearly, save nothing and leave no container running.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupJobResult } from '../../../shared/contract/index.js'
import { homeportFailure, useHomeServer } from '../../homeserver/helpers.js'
import { chownToTestUser, closeBackupApp, finished, openBackupApp, resticContainersLeft, SERVER, type BackupApp } from './backups-fixture.js'

const hs = useHomeServer()
let b: BackupApp
let s3: S3rver | undefined
let s3Port = 0
let publicKey = ''
const authorizedKeys = `/home/${hs.user}/.ssh/authorized_keys`

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

const repoNames = () => ['sftp', 'unreachable', 'refused', 'unknown', 's3'].map((n) => `${b.app}-${n}`)
const names = () => b.t.call('backups.repoList', { serverId: SERVER }).then((l) => l.map((r) => r.name))

beforeAll(async () => {
  b = await openBackupApp(hs, 'hpbk-targets')
  chownToTestUser(hs, b.scratch)
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(b.scratch, 'key.pem'), '-out', path.join(b.scratch, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
  fs.mkdirSync(path.join(b.scratch, 's3'))
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(b.scratch, 's3'), key: fs.readFileSync(path.join(b.scratch, 'key.pem')), cert: fs.readFileSync(path.join(b.scratch, 'cert.pem')) })
  s3Port = (await s3.run()).port
}, 300_000)

afterAll(async () => {
  if (publicKey && fs.existsSync(authorizedKeys)) fs.writeFileSync(authorizedKeys, fs.readFileSync(authorizedKeys, 'utf8').split('\n').filter((l) => l.trim() !== publicKey.trim()).join('\n'))
  await b?.t.call('backups.policyRemove', { serverId: SERVER, app: b.app }).catch(() => {})
  for (const repository of b ? repoNames() : []) await b.t.call('backups.repoRemove', { serverId: SERVER, repository }).catch(() => {})
  await s3?.close()
  await closeBackupApp(b)
}, 300_000)

describe('an SFTP repository', { timeout: 300_000 }, () => {
  it("gives the server's backup key, the same one each time", async () => {
    publicKey = (await b.t.call('backups.sshKey', { serverId: SERVER })).publicKey
    expect(publicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/=]+ homeport-backups@home$/)
    expect((await b.t.call('backups.sshKey', { serverId: SERVER })).publicKey).toBe(publicKey)
  })

  it('fails clearly when the target does not answer, saves nothing and leaves no container', async () => {
    const port = await freePort()
    const err = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-unreachable`, target: { kind: 'sftp', host: '127.0.0.1', port, user: hs.user, path: '/tmp/nowhere', trustOnFirstUse: true } }))
    expect(err.code).toBe('BACKUP_TARGET_UNREACHABLE')
    expect(err.message).toContain('could not reach')
    expect(err.details).toMatch(/Connection refused/i)
    expect(await names()).not.toContain(`${b.app}-unreachable`)
    expect(await resticContainersLeft(b)).toBe('')
  })

  it('names the host key it saw and trusts nothing unasked', async () => {
    const err = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-unknown`, target: { kind: 'sftp', host: '127.0.0.1', port: hs.sshPort, user: hs.user, path: path.join(b.scratch, 'repo') } }))
    expect(err.code).toBe('HOST_KEY_UNKNOWN')
    expect(err.message).toContain(hs.hostKeyFingerprint)
    expect(await names()).not.toContain(`${b.app}-unknown`)
  })

  it('refuses a host key other than the one given, saving nothing', async () => {
    const err = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-unknown`, target: { kind: 'sftp', host: '127.0.0.1', port: hs.sshPort, user: hs.user, path: path.join(b.scratch, 'repo'), hostKey: hs.alternateHostKeyFingerprint } }))
    expect(err.code).toBe('HOST_KEY_MISMATCH')
    expect(err.message).toContain(hs.hostKeyFingerprint)
    expect(await names()).not.toContain(`${b.app}-unknown`)
  })

  it('says the target refused the key, and how to fix it', async () => {
    const err = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-refused`, target: { kind: 'sftp', host: '127.0.0.1', port: hs.sshPort, user: hs.user, path: path.join(b.scratch, 'repo'), hostKey: hs.hostKeyFingerprint } }))
    expect(err.code).toBe('BACKUP_TARGET_UNREACHABLE')
    expect(err.cliHint, err.details).toContain('homeport backups key')
    expect(await resticContainersLeft(b)).toBe('')
  })

  it('with the key authorised and the host key pinned: initialised, checked, backed up to', async () => {
    fs.appendFileSync(authorizedKeys, `\n${publicKey}\n`)
    const name = `${b.app}-sftp`
    const added = await b.t.call('backups.repoAdd', { serverId: SERVER, name, target: { kind: 'sftp', host: '127.0.0.1', port: hs.sshPort, user: hs.user, path: path.join(b.scratch, 'repo'), hostKey: hs.hostKeyFingerprint } })
    expect(added.repository).toMatchObject({ kind: 'sftp', hostKey: hs.hostKeyFingerprint, location: `sftp:${hs.user}@127.0.0.1:${path.join(b.scratch, 'repo')}` })
    expect(fs.statSync(path.join(b.scratch, 'repo', 'config')).uid).toBe(Number(execFileSync('id', ['-u', hs.user], { encoding: 'utf8' })))
    await b.t.call('backups.policySet', { serverId: SERVER, app: b.app, repository: name })
    const job = await finished(b.t, b.t.call('backups.run', { serverId: SERVER, app: b.app }))
    expect(job.error, JSON.stringify(job.error)).toBeUndefined()
    expect((await b.t.call('backups.snapshots', { serverId: SERVER, app: b.app })).map((s) => s.shortId)).toEqual([(job.result as BackupJobResult).snapshotId])
    expect(await resticContainersLeft(b)).toBe('')
  })
})

describe('an S3 repository', { timeout: 300_000 }, () => {
  it('works against an S3 server over HTTPS with its own certificate, the secret key kept in the keychain', async () => {
    const name = `${b.app}-s3`
    const target = { kind: 's3' as const, endpoint: `https://127.0.0.1:${s3Port}`, bucket: 'homeport-backups', prefix: b.app, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', caCert: fs.readFileSync(path.join(b.scratch, 'cert.pem'), 'utf8') }
    const added = await b.t.call('backups.repoAdd', { serverId: SERVER, name, target })
    expect(added.repository.location).toBe(`s3:https://127.0.0.1:${s3Port}/homeport-backups/${b.app}`)
    expect(fs.readFileSync(`/home/${hs.user}/.local/share/homeport/backups/config.json`, 'utf8')).not.toContain('"secretAccessKey"')
    await b.t.call('backups.policySet', { serverId: SERVER, app: b.app, repository: name })
    const job = await finished(b.t, b.t.call('backups.run', { serverId: SERVER, app: b.app }))
    expect(job.error, JSON.stringify(job.error)).toBeUndefined()
    expect(fs.existsSync(path.join(b.scratch, 's3', 'homeport-backups'))).toBe(true)
    expect(await b.t.call('backups.repoCheck', { serverId: SERVER, repository: name })).toEqual({ ok: true })
    expect(await resticContainersLeft(b)).toBe('')
  })

  it('over plain HTTP fails at the check, saving nothing: s3rver stores restic\'s chunk-signed uploads verbatim', async () => {
    fs.mkdirSync(path.join(b.scratch, 's3-http'))
    const plain = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(b.scratch, 's3-http') })
    const { port } = await plain.run()
    try {
      const target = { kind: 's3' as const, endpoint: `http://127.0.0.1:${port}`, bucket: 'homeport-plain', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
      const err = await homeportFailure(b.t.call('backups.repoAdd', { serverId: SERVER, name: `${b.app}-s3http`, target }))
      expect(err.code).toBe('BACKUP_FAILED')
      expect(err.details).toMatch(/Unmarshal|invalid character/)
      expect(await names()).not.toContain(`${b.app}-s3http`)
      expect(await resticContainersLeft(b)).toBe('')
    } finally {
      await plain.close()
    }
  })
})
