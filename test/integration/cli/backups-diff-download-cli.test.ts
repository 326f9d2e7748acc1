// `homeport backups diff` and `restore --to-local` against the test home server and real restic: two
// backups of an app with a file added, one removed and one modified in between (in its volume and its
// bind-mounted folder), compared as text and as JSON; a file and a folder of a snapshot downloaded to this
// computer (sha256 against the server's), a taken name kept; and the refusals, with codes and hints.

import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupJobResult, RestoreJobResult, SnapshotDiffDto } from '../../../shared/contract/index.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { compose, inVolume } from '../backups/backups-fixture.js'
import { installBackedUpApp } from './backups-cli-fixture.js'
import { cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()
const APP = `hpbk-diff-${randomBytes(3).toString('hex')}`
const REPO = `${APP}-repo`
const VOLUME = `${APP}_data`
const bind = `/home/${hs.user}/.local/share/homeport/apps/${APP}/files`
const lastJson = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').at(-1)!) as T

describe('homeport backups diff', { timeout: 300_000 }, () => {
  let cli: CliSandbox
  let first: string
  let second: string

  async function backup(): Promise<string> {
    const run = await cli.run(['backups', 'run', 'hs', APP, '--json'])
    expect(run.code, run.stderr).toBe(0)
    return lastJson<BackupJobResult>(run.stdout).snapshotId
  }

  beforeAll(async () => {
    cli = cliSandbox()
    await installBackedUpApp(cli, hs, APP, compose(hs.images[0]))
    await inVolume(hs, VOLUME, 'echo keep > /data/keep.txt && echo old > /data/gone.txt && echo v1 > /data/changed.txt')
    fs.writeFileSync(path.join(bind, 'settings.yml'), 'theme: dark\n')
    expect((await cli.run(['backups', 'repo', 'add', 'hs', REPO, '--path', path.join(cli.home, 'repo')])).code).toBe(0)
    expect((await cli.run(['backups', 'policy', 'set', 'hs', APP, '--repo', REPO])).code).toBe(0)
    first = await backup()
    await inVolume(hs, VOLUME, 'rm /data/gone.txt && echo "version two" > /data/changed.txt && mkdir /data/new && head -c 5000 /dev/urandom > /data/new/added.bin')
    fs.writeFileSync(path.join(bind, 'settings.yml'), 'theme: light\n')
    second = await backup()
  }, 300_000)

  afterAll(async () => {
    await cli?.run(['apps', 'remove', 'hs', APP, '--volumes', '--yes'])
    await cli?.run(['backups', 'policy', 'remove', 'hs', APP])
    await cli?.run(['backups', 'repo', 'remove', 'hs', REPO])
    cli?.dispose()
  }, 300_000)

  it('lists each added, removed and modified path between two snapshots, with totals', async () => {
    const v = `/backup/volumes/${VOLUME}`
    const d = await cli.json<SnapshotDiffDto>(['backups', 'diff', 'hs', APP, first, second])
    expect(d).toMatchObject({ app: APP, repository: REPO, changedFiles: 2 })
    expect(d.from.startsWith(first) && d.to.startsWith(second)).toBe(true)
    expect(d.changes).toEqual(
      expect.arrayContaining([
        { path: `${v}/gone.txt`, change: 'removed' },
        { path: `${v}/changed.txt`, change: 'modified' },
        { path: `${v}/new/`, change: 'added' },
        { path: `${v}/new/added.bin`, change: 'added' },
        { path: `/backup/binds${bind}/settings.yml`, change: 'modified' },
      ]),
    )
    expect(d.changes.map((c) => c.path)).not.toContain(`${v}/keep.txt`)
    expect(d.added).toMatchObject({ files: 1, dirs: 1 })
    expect(d.removed.files).toBe(1)

    const text = await cli.run(['backups', 'diff', 'hs', APP, first, 'latest'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(`-  ${v}/gone.txt\n`)
    expect(text.stdout).toContain(`M  ${v}/changed.txt\n`)
    expect(text.stdout).toContain(`+  ${v}/new/added.bin\n`)
    expect(text.stdout).toMatch(/1 file\(s\) added, 1 removed, 2 changed/)
  })

  it('refuses the same snapshot twice and an id the app has no snapshot of', async () => {
    const same = await cli.run(['backups', 'diff', 'hs', APP, second, 'latest'])
    expect(same.code).toBe(2)
    expect(same.stderr).toMatch(/^error INVALID_INPUT: .*same snapshot/m)
    expect(same.stderr).toMatch(/^hint: .*two different snapshot ids/m)
    const unknown = await cli.run(['backups', 'diff', 'hs', APP, first, 'deadbeef'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/^error NOT_FOUND: .*no snapshot deadbeef/m)
  })

  it('downloads one file and one folder of a snapshot to this computer, byte for byte, leaving the app alone', async () => {
    const v = `/backup/volumes/${VOLUME}`
    const onServer = (await inVolume(hs, VOLUME, 'sha256sum /data/new/added.bin')).split(' ')[0]
    const dir = path.join(cli.home, 'download')
    fs.mkdirSync(dir)
    const got = await cli.run(['backups', 'restore', 'hs', APP, 'latest', '--path', `${v}/new/added.bin`, '--to-local', dir, '--json'])
    expect(got.code, got.stderr).toBe(0)
    const r = lastJson<RestoreJobResult>(got.stdout)
    expect(r).toMatchObject({ path: `${v}/new/added.bin`, files: 1, bytes: 5000, health: 'untouched', local: path.join(dir, 'added.bin') })
    expect(createHash('sha256').update(fs.readFileSync(path.join(dir, 'added.bin'))).digest('hex')).toBe(onServer)

    // A name already taken in the folder is kept; the download gets a free one.
    const again = await cli.run(['backups', 'restore', 'hs', APP, first, '--path', `${v}/changed.txt`, '--to-local', dir])
    expect(again.code, again.stderr).toBe(0)
    const folder = await cli.run(['backups', 'restore', 'hs', APP, first, '--path', v, '--to-local', dir, '--json'])
    expect(folder.code, folder.stderr).toBe(0)
    const whole = lastJson<RestoreJobResult>(folder.stdout).local!
    expect(fs.readFileSync(path.join(whole, 'gone.txt'), 'utf8')).toBe('old\n')
    expect(fs.readFileSync(path.join(whole, 'changed.txt'), 'utf8')).toBe('v1\n')
    expect(fs.readFileSync(path.join(dir, 'changed.txt'), 'utf8')).toBe('v1\n')
    const second = await cli.run(['backups', 'restore', 'hs', APP, 'latest', '--path', `${v}/changed.txt`, '--to-local', dir, '--json'])
    expect(second.code, second.stderr).toBe(0)
    const renamed = lastJson<RestoreJobResult>(second.stdout).local!
    expect(renamed).not.toBe(path.join(dir, 'changed.txt'))
    expect(fs.readFileSync(renamed, 'utf8')).toBe('version two\n')
    expect(fs.readFileSync(path.join(dir, 'changed.txt'), 'utf8')).toBe('v1\n')
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('.homeport-'))).toEqual([])

    // The app was not stopped or changed, and nothing is left on the server.
    expect(await inVolume(hs, VOLUME, 'cat /data/changed.txt')).toBe('version two\n')
    expect((await docker(['ps', '--filter', `label=com.docker.compose.project=${APP}`, '--format', '{{.State}}'])).trim()).toBe('running')
    expect((await docker(['ps', '-a', '--filter', `label=io.homeport.backup.app=${APP}`, '--format', '{{.Names}}'])).trim()).toBe('')
    expect((await docker(['volume', 'ls', '--filter', `label=io.homeport.backup.app=${APP}`, '--format', '{{.Name}}'])).trim()).toBe('')
  })

  it('refuses --to-local without --path, naming the flag', async () => {
    const bad = await cli.run(['backups', 'restore', 'hs', APP, 'latest', '--to-local', cli.home])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^error INVALID_INPUT: .*needs the path/m)
    expect(bad.stderr).toMatch(/^hint: Add --path /m)
  })
})
