// `homeport backups …` against the test home server and real restic: a repository added with a generated
// password, a policy, a run with its downtime, the snapshots as JSON, a restore that needs confirmation and
// brings back a deleted file byte for byte, a clone, and the errors a person meets (a wrong password, no
// confirmation) as codes with hints on stderr.

import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupJobResult, PolicyDto, RepositoryDto, RestoreJobResult, SnapshotDto } from '../../../shared/contract/index.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { compose } from '../backups/backups-fixture.js'
import { installBackedUpApp } from './backups-cli-fixture.js'
import { cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()
const APP = `hpbk-cli-${randomBytes(3).toString('hex')}`
const REPO = `${APP}-repo`
const lastJson = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').at(-1)!) as T
const settingsFile = `/home/${hs.user}/.local/share/homeport/apps/${APP}/files/settings.yml`
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex')

describe('homeport backups', { timeout: 300_000 }, () => {
  let cli: CliSandbox
  let repoPath: string

  beforeAll(async () => {
    cli = cliSandbox()
    repoPath = path.join(cli.home, 'repo')
    await installBackedUpApp(cli, hs, APP, compose(hs.images[0]))
    fs.writeFileSync(settingsFile, randomBytes(20000).toString('base64'))
  }, 300_000)

  afterAll(async () => {
    await cli?.run(['apps', 'remove', 'hs', `${APP}-copy`, '--volumes', '--yes'])
    await cli?.run(['apps', 'remove', 'hs', APP, '--volumes', '--yes'])
    await cli?.run(['backups', 'policy', 'remove', 'hs', APP])
    await cli?.run(['backups', 'repo', 'remove', 'hs', REPO])
    cli?.dispose()
  }, 300_000)

  it('adds a repository with a generated password and lists it', async () => {
    const add = await cli.run(['backups', 'repo', 'add', 'hs', REPO, '--path', repoPath])
    expect(add.code, add.stderr).toBe(0)
    expect(add.stdout).toContain(`Added repository ${REPO}`)
    expect(add.stdout).toMatch(/write it down/)
    expect(fs.existsSync(path.join(repoPath, 'config'))).toBe(true)
    const list = await cli.json<RepositoryDto[]>(['backups', 'repo', 'list', 'hs'])
    expect(list.find((r) => r.name === REPO)).toMatchObject({ kind: 'local', location: repoPath })
  })

  it('refuses a wrong password for an existing repository with BACKUP_AUTH_FAILED', async () => {
    const add = await cli.run(['backups', 'repo', 'add', 'hs', `${APP}-wrong`, '--path', repoPath, '--password-stdin'], { stdin: 'not-the-password\n' })
    expect(add.code).toBe(1)
    expect(add.stderr).toMatch(/^error BACKUP_AUTH_FAILED: /m)
    expect(add.stderr).toMatch(/^hint: /m)
  })

  it('sets and shows a policy with Umbrel retention unless told otherwise', async () => {
    const set = await cli.run(['backups', 'policy', 'set', 'hs', APP, '--repo', REPO, '--keep-last', '5'])
    expect(set.code, set.stderr).toBe(0)
    expect(set.stdout).toContain('stopped during the snapshot')
    const shown = await cli.json<PolicyDto>(['backups', 'policy', 'show', 'hs', APP])
    expect(shown).toMatchObject({ repository: REPO, consistency: 'stop', retention: { last: 5, hourly: 24, daily: 7, weekly: 4, monthly: 12 } })
  })

  it('runs a backup, prints the downtime, and lists the snapshot as JSON', async () => {
    const run = await cli.run(['backups', 'run', 'hs', APP])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`^Snapshot [0-9a-f]{8} of ${APP} in ${REPO}: .* ${APP} was stopped for \\d+\\.\\d s;`, 'm'))
    const json = await cli.run(['backups', 'run', 'hs', APP, '--json'])
    expect(json.code, json.stderr).toBe(0)
    const result = lastJson<BackupJobResult>(json.stdout)
    const snaps = await cli.json<SnapshotDto[]>(['backups', 'snapshots', 'hs', APP])
    expect(snaps.map((s) => s.shortId)).toHaveLength(2)
    expect(snaps[0].shortId).toBe(result.snapshotId)
    expect(snaps[0].volumes).toEqual([`${APP}_data`])
    const plain = await cli.run(['backups', 'snapshots', 'hs'])
    expect(plain.stdout).toContain(result.snapshotId)
  })

  it('drills a restore and shows when it was last proven', async () => {
    const drill = await cli.run(['backups', 'drill', 'hs', APP])
    expect(drill.code, drill.stderr).toBe(0)
    expect(drill.stdout).toMatch(/^Proven: snapshot [0-9a-f]{8} of .* restores; all \d+ file\(s\)/m)
    const shown = await cli.run(['backups', 'policy', 'show', 'hs', APP])
    expect(shown.stdout).toContain('last proven restore: ')
  })

  it('asks for confirmation before replacing data, then restores a deleted file byte for byte', async () => {
    const before = sha(settingsFile)
    fs.rmSync(settingsFile)
    const refused = await cli.run(['backups', 'restore', 'hs', APP, 'latest'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--yes')
    const restored = await cli.run(['backups', 'restore', 'hs', APP, 'latest', '--yes', '--json'])
    expect(restored.code, restored.stderr).toBe(0)
    expect(lastJson<RestoreJobResult>(restored.stdout)).toMatchObject({ target: APP, health: 'running' })
    expect(sha(settingsFile)).toBe(before)
  })

  it('restores as a clone', async () => {
    const clone = await cli.run(['backups', 'restore', 'hs', APP, 'latest', '--as', `${APP}-copy`])
    expect(clone.code, clone.stderr).toBe(0)
    expect(clone.stdout).toContain(`into ${APP}-copy`)
    expect((await docker(['volume', 'ls', '-q'])).split('\n')).toContain(`${APP}-copy_data`)
  })
})
