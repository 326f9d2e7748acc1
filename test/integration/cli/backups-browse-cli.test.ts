// `homeport backups` for picking and cloning: the job names its app in its progress, `repo size` measures a
// repository (checked against the folder on the server), `ls` lists a snapshot folder by folder, `restore
// --path … --path …` puts back exactly the picked files and folders, `restore --as` starts a clone beside the
// running original on a free host port (both serve their files), and an SFTP host key is confirmed with the
// fingerprint the refusal printed.

import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RepositorySizeDto, RestoreJobResult, SnapshotListingDto } from '../../../shared/contract/index.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { freePort } from '../../homeserver/process.js'
import { inVolume, webCompose } from '../backups/backups-fixture.js'
import { installBackedUpApp } from './backups-cli-fixture.js'
import { cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()
const APP = `hpbk-pick-${randomBytes(3).toString('hex')}`
const CLONE = `${APP}-copy`
const REPO = `${APP}-repo`
const VOLUME = `${APP}_data`
const ROOT = `/backup/volumes/${VOLUME}`
const authorizedKeys = `/home/${hs.user}/.ssh/authorized_keys`
const sha = (text: string) => createHash('sha256').update(text).digest('hex')
const lastJson = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').at(-1)!) as T

async function sums(volume = VOLUME): Promise<Record<string, string>> {
  const out = await inVolume(hs, volume, 'cd /data && find . -type f -exec sha256sum {} +')
  return Object.fromEntries(out.trim().split('\n').filter(Boolean).map((l) => { const [sum, name] = l.split('  '); return [name, sum] }))
}

describe('homeport backups: sizes, listings, picked paths and clones', { timeout: 300_000 }, () => {
  let cli: CliSandbox
  let repoPath: string
  let port: number
  let publicKey = ''
  let before: Record<string, string>

  beforeAll(async () => {
    cli = cliSandbox()
    repoPath = path.join(cli.home, 'repo')
    port = await freePort()
    await installBackedUpApp(cli, hs, APP, webCompose(hs.images[0], port))
    await inVolume(hs, VOLUME, 'mkdir -p /data/docs/deep && echo "notes v1" > /data/notes.txt && echo a1 > /data/docs/a.txt && echo "b 1" > "/data/docs/deep/b $(echo 1).txt" && echo keep1 > /data/keep.txt')
    before = await sums()
    const add = await cli.run(['backups', 'repo', 'add', 'hs', REPO, '--path', repoPath])
    expect(add.code, add.stderr).toBe(0)
    const policy = await cli.run(['backups', 'policy', 'set', 'hs', APP, '--repo', REPO])
    expect(policy.code, policy.stderr).toBe(0)
  }, 300_000)

  afterAll(async () => {
    if (publicKey && fs.existsSync(authorizedKeys)) fs.writeFileSync(authorizedKeys, fs.readFileSync(authorizedKeys, 'utf8').split('\n').filter((l) => l.trim() !== publicKey.trim()).join('\n'))
    for (const app of [CLONE, APP]) await cli?.run(['apps', 'remove', 'hs', app, '--volumes', '--yes'])
    await cli?.run(['backups', 'policy', 'remove', 'hs', APP])
    for (const repo of [REPO, `${APP}-sftp`]) await cli?.run(['backups', 'repo', 'remove', 'hs', repo])
    cli?.dispose()
  }, 300_000)

  it('names the app on every progress update of the backup job', async () => {
    const run = await cli.run(['backups', 'run', 'hs', APP, '--json'])
    expect(run.code, run.stderr).toBe(0)
    const updates = run.stdout.trim().split('\n').slice(0, -1).map((l) => JSON.parse(l) as { kind: string; app?: string; items: { label: string }[] })
    expect(updates.length).toBeGreaterThan(0)
    expect(updates.every((u) => u.kind === 'backup' && u.app === APP)).toBe(true)
    expect(updates.flatMap((u) => u.items.map((i) => i.label))).toContain(`Backing up ${APP}`)
  })

  it('measures a repository: what it stores on the server and what its snapshots hold', async () => {
    const size = await cli.json<RepositorySizeDto>(['backups', 'repo', 'size', 'hs', REPO])
    const onDisk = Number(execFileSync('du', ['-sb', path.join(repoPath, 'data')], { encoding: 'utf8' }).split('\t')[0])
    expect(size).toMatchObject({ repository: REPO, snapshots: 1 })
    expect(size.storedBytes).toBeGreaterThan(0)
    expect(size.storedBytes).toBeLessThanOrEqual(onDisk)
    // The snapshot holds at least the files written into the volume.
    expect(size.snapshotsBytes).toBeGreaterThanOrEqual('notes v1\na1\nb 1\nkeep1\n'.length)
    const text = await cli.run(['backups', 'repo', 'size', 'hs', REPO])
    expect(text.stdout).toMatch(new RegExp(`^Repository ${REPO}: .* stored for 1 snapshot\\(s\\) holding .* \\(dedup ratio \\d+\\.\\d\\d×\\)`, 'm'))
    const missing = await cli.run(['backups', 'repo', 'size', 'hs', `${APP}-nothing`])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^error NOT_FOUND: /m)
  })

  it('lists a snapshot folder by folder, and says when a folder is not in it', async () => {
    const top = await cli.json<SnapshotListingDto>(['backups', 'ls', 'hs', APP, 'latest', '/backup'])
    expect(top.entries.map((e) => e.path)).toEqual(expect.arrayContaining(['/backup/compose', '/backup/volumes']))
    const volume = await cli.json<SnapshotListingDto>(['backups', 'ls', 'hs', APP, 'latest', ROOT])
    expect(volume.entries.map((e) => [e.name, e.type])).toEqual([['docs', 'dir'], ['keep.txt', 'file'], ['notes.txt', 'file']])
    expect(volume.entries.find((e) => e.name === 'notes.txt')?.size).toBe('notes v1\n'.length)
    const deep = await cli.run(['backups', 'ls', 'hs', APP, 'latest', `${ROOT}/docs/deep`])
    expect(deep.stdout).toContain(`${ROOT}/docs/deep/b 1.txt`)
    const none = await cli.run(['backups', 'ls', 'hs', APP, 'latest', `${ROOT}/nowhere`])
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(/^error NOT_FOUND: .*nowhere/m)
  })

  it('restores exactly the picked files and folders, leaving the rest as it is now', async () => {
    await inVolume(hs, VOLUME, 'echo "notes v2" > /data/notes.txt && rm -rf /data/docs && echo keep2 > /data/keep.txt && echo new > /data/new.txt')
    const restored = await cli.run(['backups', 'restore', 'hs', APP, 'latest', '--path', `${ROOT}/notes.txt`, '--path', `${ROOT}/docs`, '--yes', '--json'])
    expect(restored.code, restored.stderr).toBe(0)
    const r = lastJson<RestoreJobResult>(restored.stdout)
    expect(r.paths).toEqual([`${ROOT}/docs`, `${ROOT}/notes.txt`])
    expect(r.files).toBe(3)
    const now = await sums()
    expect(now['./notes.txt']).toBe(before['./notes.txt'])
    expect(now['./docs/a.txt']).toBe(before['./docs/a.txt'])
    expect(now['./docs/deep/b 1.txt']).toBe(before['./docs/deep/b 1.txt'])
    expect(now['./keep.txt']).toBe(sha('keep2\n'))
    expect(now['./new.txt']).toBe(sha('new\n'))
    expect((await docker(['ps', '--filter', `label=com.docker.compose.project=${APP}`, '--format', '{{.State}}'])).trim()).toBe('running')
  })

  it('refuses several paths for a download to this computer', async () => {
    const res = await cli.run(['backups', 'restore', 'hs', APP, 'latest', '--path', `${ROOT}/notes.txt`, '--path', `${ROOT}/docs`, '--to-local', cli.home])
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('Give one --path with --to-local')
  })

  it('restores a clone beside the running original on a free host port; both serve their files', async () => {
    const res = await cli.run(['backups', 'restore', 'hs', APP, 'latest', '--as', CLONE])
    expect(res.code, res.stderr).toBe(0)
    const moved = new RegExp(`^Port ${port} of web was taken, so ${CLONE} publishes it on (\\d+)\\.$`, 'm').exec(res.stdout)
    expect(moved, res.stdout).not.toBeNull()
    const clonePort = Number(moved![1])
    expect(clonePort).not.toBe(port)
    for (const app of [APP, CLONE]) expect((await docker(['ps', '--filter', `label=com.docker.compose.project=${app}`, '--format', '{{.State}}'])).trim()).toBe('running')
    expect(await docker(['ps', '--filter', `label=com.docker.compose.project=${CLONE}`, '--format', '{{.Ports}}'])).toContain(`:${clonePort}->80/tcp`)
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${clonePort}/notes.txt`).catch(() => undefined))?.status, { timeout: 60_000 }).toBe(200)
    expect(await (await fetch(`http://127.0.0.1:${clonePort}/notes.txt`)).text()).toBe('notes v1\n')
    expect(await (await fetch(`http://127.0.0.1:${port}/keep.txt`)).text()).toBe('keep2\n')
    // The clone's compose file names the new port, so it comes back on it after a restart.
    expect(fs.readFileSync(`/home/${hs.user}/.local/share/homeport/apps/${CLONE}/compose.yml`, 'utf8')).toContain(`published: "${clonePort}"`)
  })

  it('refuses an SFTP host it does not know, printing its fingerprint; that fingerprint given back adds it', async () => {
    const target = `${hs.user}@127.0.0.1:${path.join(cli.home, 'sftp-repo')}`
    publicKey = (await cli.run(['backups', 'key', 'hs'])).stdout.trim()
    const refused = await cli.run(['backups', 'repo', 'add', 'hs', `${APP}-sftp`, '--sftp', target, '--port', String(hs.sshPort)])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^error HOST_KEY_UNKNOWN: /m)
    const offered = /--host-key (SHA256:[A-Za-z0-9+/]{43})/.exec(refused.stderr)?.[1]
    expect(offered).toBe(hs.hostKeyFingerprint)
    fs.appendFileSync(authorizedKeys, `\n${publicKey}\n`)
    fs.mkdirSync(path.join(cli.home, 'sftp-repo'))
    execFileSync('chown', [`${hs.user}:`, path.join(cli.home, 'sftp-repo')])
    fs.chmodSync(cli.home, 0o755)
    const added = await cli.run(['backups', 'repo', 'add', 'hs', `${APP}-sftp`, '--sftp', target, '--port', String(hs.sshPort), '--host-key', offered!])
    expect(added.code, added.stderr).toBe(0)
    expect(fs.existsSync(path.join(cli.home, 'sftp-repo', 'config'))).toBe(true)
  })
})
