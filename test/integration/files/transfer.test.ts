// Uploads and downloads as jobs: whole trees with modes, times and symlinks (a loop included) kept, name
// clashes decided by the policy or by asking, sha256 verification, progress with rate and time left, and a
// cancel that leaves no temporary file behind.

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { lstatSync, mkdirSync, readFileSync, readlinkSync, readdirSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { JobDto } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { finished, resultOf, useFilesServer } from './files-fixture.js'

const hs = useHomeServer()
const fx = useFilesServer(hs)
const serverId = 'home'
const OLD = new Date('2021-03-04T05:06:07Z')

/** A tree: nested folders, modes, old times, an empty file, a 3 MB file, links (one loop), and 40 small files
 * (which travel in a batch). */
function makeTree(root: string): void {
  mkdirSync(path.join(root, 'docs/deep'), { recursive: true })
  mkdirSync(path.join(root, 'notes/sub'), { recursive: true })
  for (let i = 0; i < 40; i++) {
    const file = path.join(root, i % 2 ? 'notes' : 'notes/sub', `note ${i}.txt`)
    writeFileSync(file, `note ${i}\n`.repeat(i * 10), { mode: [0o644, 0o600, 0o755, 0o640][i % 4] })
    utimesSync(file, OLD, new Date(OLD.getTime() + i * 1000))
  }
  writeFileSync(path.join(root, 'docs/readme.md'), '# hi\n')
  writeFileSync(path.join(root, 'docs/deep/secret'), 'psst', { mode: 0o600 })
  writeFileSync(path.join(root, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 })
  writeFileSync(path.join(root, 'empty'), '')
  writeFileSync(path.join(root, 'big.bin'), randomBytes(3 * 1024 * 1024))
  symlinkSync('docs/readme.md', path.join(root, 'readme-link'))
  symlinkSync('loop-b', path.join(root, 'loop-a'))
  symlinkSync('loop-a', path.join(root, 'loop-b'))
  symlinkSync('.', path.join(root, 'docs/self'))
  for (const f of ['docs/readme.md', 'docs/deep/secret', 'run.sh', 'big.bin']) utimesSync(path.join(root, f), OLD, OLD)
  utimesSync(path.join(root, 'docs/deep'), OLD, OLD)
}

/** Every entry under root: type, mode, mtime (s), size, content hash or link target. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name)
      const rel = path.relative(root, p)
      const st = lstatSync(p)
      if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(p)}`
      else if (st.isDirectory()) {
        out[rel] = `dir ${(st.mode & 0o7777).toString(8)}`
        walk(p)
      } else out[rel] = `file ${(st.mode & 0o7777).toString(8)} ${Math.floor(st.mtimeMs / 1000)} ${st.size} ${execFileSync('sha256sum', [p], { encoding: 'utf8' }).slice(0, 16)}`
    }
  }
  walk(root)
  return out
}

describe('transfers', () => {
  it('uploads a tree and downloads it back with contents, modes, times and links as they were', async () => {
    const src = path.join(fx.local, 'tree')
    makeTree(src)
    const up = resultOf(await finished(fx.t, fx.t.call('files.upload', { serverId, sources: [src], destination: fx.remote, verify: 'sha256' })))
    const noteBytes = Array.from({ length: 40 }, (_, i) => `note ${i}\n`.length * i * 10).reduce((a, b) => a + b, 0)
    expect(up).toMatchObject({ files: 45, folders: 5, links: 4, bytes: 3 * 1024 * 1024 + 5 + 4 + 18 + noteBytes, verified: 45, skipped: [], renamed: [] })
    expect(snapshot(path.join(fx.remote, 'tree'))).toEqual(snapshot(src))
    expect(Math.floor(statSync(path.join(fx.remote, 'tree/docs/deep')).mtimeMs / 1000)).toBe(OLD.getTime() / 1000)
    expect(lstatSync(path.join(fx.remote, 'tree/big.bin')).uid).toBe(Number(execFileSync('id', ['-u', hs.user], { encoding: 'utf8' })))

    const back = path.join(fx.local, 'back')
    mkdirSync(back)
    const down = resultOf(await finished(fx.t, fx.t.call('files.download', { serverId, sources: [path.join(fx.remote, 'tree')], destination: back, verify: 'sha256' })))
    expect(down).toMatchObject({ files: 45, folders: 5, links: 4, verified: 45 })
    expect(snapshot(path.join(back, 'tree'))).toEqual(snapshot(src))
    expect(execFileSync('find', [fx.remote, back, '-name', '*.homeport-*'], { encoding: 'utf8' })).toBe('')
  })

  it('reports progress per file and per job with bytes, rate and time left', async () => {
    const file = path.join(fx.local, 'progress.bin')
    // Big enough to outlast a few of the meter's 250 ms updates even at full loopback speed (160 MiB once
    // finished in fewer); sparse, so it costs this machine no memory here.
    writeFileSync(file, '')
    truncateSync(file, 1024 * 1024 * 1024)
    const job = await finished(fx.t, fx.t.call('files.upload', { serverId, sources: [file], destination: fx.remote }))
    resultOf(job)
    const updates = fx.t.of('job.update').filter((j: JobDto) => j.id === job.id && j.items.length > 0)
    const total = updates.map((j) => j.items.find((i) => i.key === 'total')!)
    expect(total.at(-1)).toMatchObject({ current: 1024 * 1024 * 1024, total: 1024 * 1024 * 1024, unit: 'bytes' })
    expect(updates.some((j) => j.items.some((i) => i.key === path.join(fx.remote, 'progress.bin') && i.current > 0 && i.rate! > 0))).toBe(true)
    expect(total.some((i) => i.rate! > 0 && i.etaSeconds !== undefined)).toBe(true)
  })

  it('decides name clashes by the policy given, or by asking', async () => {
    const dest = path.join(fx.remote, 'clash')
    mkdirSync(dest)
    writeFileSync(path.join(dest, 'a.txt'), 'old a')
    writeFileSync(path.join(dest, 'b.txt'), 'old b')
    writeFileSync(path.join(dest, 'c.txt'), 'old c')
    execFileSync('chown', ['-R', `${hs.user}:${hs.user}`, dest])
    const src = path.join(fx.local, 'clash')
    mkdirSync(src)
    for (const n of ['a.txt', 'b.txt', 'c.txt']) writeFileSync(path.join(src, n), `new ${n[0]}`)
    const sources = ['a.txt', 'b.txt', 'c.txt'].map((n) => path.join(src, n))

    const skipped = resultOf(await finished(fx.t, fx.t.call('files.upload', { serverId, sources, destination: dest, onClash: 'skip' })))
    expect(skipped.skipped.sort()).toEqual(['a.txt', 'b.txt', 'c.txt'].map((n) => path.join(dest, n)))
    expect(readFileSync(path.join(dest, 'a.txt'), 'utf8')).toBe('old a')

    const renamed = resultOf(await finished(fx.t, fx.t.call('files.upload', { serverId, sources: [sources[0]], destination: dest, onClash: 'rename' })))
    expect(renamed.renamed).toEqual([{ from: path.join(dest, 'a.txt'), to: path.join(dest, 'a (1).txt') }])
    expect(readFileSync(path.join(dest, 'a (1).txt'), 'utf8')).toBe('new a')

    fx.answers.push('skip', 'overwrite-all')
    const asked = resultOf(await finished(fx.t, fx.t.call('files.upload', { serverId, sources, destination: dest, onClash: 'ask' })))
    expect(fx.asked.map((q) => [q.kind, q.path])).toEqual([['nameClash', path.join(dest, 'a.txt')], ['nameClash', path.join(dest, 'b.txt')]])
    expect(fx.asked[0].choices).toContain('overwrite-all')
    expect(asked.skipped).toEqual([path.join(dest, 'a.txt')])
    expect(['a.txt', 'b.txt', 'c.txt'].map((n) => readFileSync(path.join(dest, n), 'utf8'))).toEqual(['old a', 'new b', 'new c'])

    fx.answers.push(undefined)
    const dismissed = await finished(fx.t, fx.t.call('files.download', { serverId, sources: [path.join(dest, 'a.txt')], destination: src, onClash: 'ask' }))
    expect(dismissed.state).toBe('failed')
    expect(dismissed.error?.code).toBe('CANCELLED')
    expect(readFileSync(path.join(src, 'a.txt'), 'utf8')).toBe('new a')
  })

  it('cancels a transfer and leaves no partial file on either side', async () => {
    const file = path.join(fx.local, 'cancel.bin')
    // Big enough that the transfer is still going when the cancel arrives, however fast the upload gets (96 MiB
    // once finished first); sparse, so it costs this machine neither the memory nor the disk.
    writeFileSync(file, '')
    truncateSync(file, 1024 * 1024 * 1024)
    const { jobId } = await fx.t.call('files.upload', { serverId, sources: [file], destination: fx.remote })
    for (let i = 0; i < 200 && !fx.t.of('job.update').some((j) => j.id === jobId && (j.items[0]?.current ?? 0) > 0); i++) await new Promise((r) => setTimeout(r, 25))
    await fx.t.call('jobs.cancel', { id: jobId })
    const job = await fx.t.finishedJob(jobId)
    expect(job.state).toBe('cancelled')
    expect(readdirSync(fx.remote).filter((n) => n.includes('cancel.bin'))).toEqual([])

    const into = path.join(fx.local, 'cancelled-download')
    mkdirSync(into)
    // The same on the server: a sparse 1 GiB (160 MiB came down before the cancel did).
    const remoteFile = path.join(fx.remote, 'cancel-down.bin')
    execFileSync('truncate', ['-s', '1G', remoteFile])
    execFileSync('chown', [`${hs.user}:${hs.user}`, remoteFile])
    const dl = await fx.t.call('files.download', { serverId, sources: [remoteFile], destination: into })
    for (let i = 0; i < 200 && !fx.t.of('job.update').some((j) => j.id === dl.jobId && (j.items[0]?.current ?? 0) > 0); i++) await new Promise((r) => setTimeout(r, 25))
    await fx.t.call('jobs.cancel', { id: dl.jobId })
    expect((await fx.t.finishedJob(dl.jobId)).state).toBe('cancelled')
    expect(readdirSync(into)).toEqual([])
  })
})
