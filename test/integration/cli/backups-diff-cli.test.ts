// `homeport backups diff` against the test home server and real restic: two backups of an app with a file
// added, one removed and one modified in between (in its volume and its bind-mounted folder), compared as
// text and as JSON; the same snapshot twice and an unknown one refused with codes and hints.

import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupJobResult, SnapshotDiffDto } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { compose, inVolume } from '../backups/backups-fixture.js'
import { resticTestImage } from '../backups/restic-image.js'
import { addHomeServer, cliSandbox, type CliSandbox } from './run-cli.js'

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
    await addHomeServer(cli, hs, 'hs')
    expect((await cli.run(['backups', 'image', await resticTestImage(hs)])).code).toBe(0)
    fs.writeFileSync(path.join(cli.home, 'compose.yml'), compose(hs.images[0]))
    const installed = await cli.run(['apps', 'install', 'hs', '--file', path.join(cli.home, 'compose.yml'), '--name', APP])
    expect(installed.code, installed.stderr).toBe(0)
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
})
