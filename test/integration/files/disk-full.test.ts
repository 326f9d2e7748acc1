// A full disk on the server: a small tmpfs mounted (by the test, as root) in the test user's folder. An
// upload over an existing file, and a text edit, fail with DISK_FULL naming the file; the partial file is
// gone and the old file is as it was.

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HomeportError } from '../../../shared/errors.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { asUser, finished, mountSmallDisk, sha256File, useFilesServer } from './files-fixture.js'

const hs = useHomeServer()
const fx = useFilesServer(hs)
const serverId = 'home'
let small: string

beforeAll(() => {
  small = path.join(fx.remote, 'small-disk')
  mountSmallDisk(hs, small, 4, 'homeport-files-full')
  asUser(hs, ['sh', '-c', 'printf "key: value\\n" > "$1/conf.yml"', 'sh', small])
})

afterAll(() => {
  if (small) execFileSync('umount', [small])
})

describe('a full disk on the server', () => {
  it('fails an upload with DISK_FULL, removes the partial file and leaves the old one intact', async () => {
    const before = await sha256File(path.join(small, 'data.bin'))
    const bigger = path.join(fx.local, 'data.bin')
    writeFileSync(bigger, randomBytes(8 * 1024 * 1024))
    const job = await finished(fx.t, fx.t.call('files.upload', { serverId, sources: [bigger], destination: small, onClash: 'overwrite' }))
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('DISK_FULL')
    expect(job.error?.message).toContain(path.join(small, 'data.bin'))
    expect(job.error?.hint).toBeTruthy()
    expect(readdirSync(small).sort()).toEqual(['conf.yml', 'data.bin'])
    expect(await sha256File(path.join(small, 'data.bin'))).toBe(before)
  })

  it('fails a folder of small files with DISK_FULL and leaves nothing of it', async () => {
    const folder = path.join(fx.local, 'many')
    mkdirSync(folder)
    for (let i = 0; i < 40; i++) writeFileSync(path.join(folder, `part-${i}.bin`), randomBytes(200 * 1024))
    const job = await finished(fx.t, fx.t.call('files.upload', { serverId, sources: [folder], destination: small }))
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('DISK_FULL')
    expect(job.error?.message).toContain(path.join(small, 'many'))
    expect(execFileSync('find', [small, '-name', '*.homeport-*'], { encoding: 'utf8' })).toBe('')
    expect(execFileSync('find', [path.join(small, 'many'), '-type', 'f'], { encoding: 'utf8' })).toBe('')
    rmSync(path.join(small, 'many'), { recursive: true, force: true })
  })

  it('fails a text edit with DISK_FULL and leaves the file as it was', async () => {
    const opened = await fx.t.call('files.readText', { serverId, path: path.join(small, 'conf.yml') })
    const err = await fx.t.call('files.writeText', { serverId, path: path.join(small, 'conf.yml'), content: 'x'.repeat(5 * 1024 * 1024), expected: opened.version }).then(
      () => undefined,
      (e: unknown) => e as HomeportError,
    )
    expect(err?.code).toBe('DISK_FULL')
    expect(err?.message).toContain(path.join(small, 'conf.yml'))
    expect(readdirSync(small).sort()).toEqual(['conf.yml', 'data.bin'])
    expect((await fx.t.call('files.readText', { serverId, path: path.join(small, 'conf.yml') })).content).toBe('key: value\n')
  })
})
