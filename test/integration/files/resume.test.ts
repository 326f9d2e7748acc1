// A transfer outlives its connection: the server-side sshd processes are killed during a 200 MB download
// and during a 200 MB upload; the session reconnects by itself and each file carries on from its byte
// offset, ending with the same sha256 on both sides. The same when only the server's `cat` carrying a
// download is killed and the connection stays up (nothing reconnects, so nothing new is to be waited for).

import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { killSshConnections, useHomeServer } from '../../homeserver/helpers.js'
import type { TestCore } from '../core/test-core.js'
import { sha256File, useFilesServer } from './files-fixture.js'

const hs = useHomeServer()
const fx = useFilesServer(hs, 'tmpfs')
const serverId = 'home'
const SIZE = 200 * 1024 * 1024

async function killWhenPast(t: TestCore, jobId: string, bytes: number): Promise<number> {
  for (let i = 0; i < 2000; i++) {
    const moved = t.of('job.update').filter((j) => j.id === jobId).map((j) => j.items.find((it) => it.key === 'total')?.current ?? 0)
    if (Math.max(0, ...moved) >= bytes) return killSshConnections()
    if (t.of('job.update').some((j) => j.id === jobId && j.state !== 'running')) throw new Error('the transfer ended before the connection could be cut')
    await new Promise((r) => setTimeout(r, 5))
  }
  throw new Error('the transfer made no progress')
}

describe('a transfer when sshd is killed under it', () => {
  it('downloads 200 MB to the end, resumed after the reconnect, sha256 identical', async () => {
    const remoteFile = path.join(fx.remote, 'big-down.bin')
    execFileSync('sh', ['-c', 'head -c "$1" /dev/urandom > "$2" && chown "$3" "$2"', 'sh', String(SIZE), remoteFile, hs.user])
    const { jobId } = await fx.t.call('files.download', { serverId, sources: [remoteFile], destination: fx.local })
    expect(await killWhenPast(fx.t, jobId, SIZE / 5)).toBeGreaterThan(0)
    const job = await fx.t.finishedJob(jobId)
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    expect(job.log.some((l) => l.includes('Connection lost'))).toBe(true)
    expect((job.result as { resumed: number }).resumed).toBeGreaterThanOrEqual(1)
    expect(await sha256File(path.join(fx.local, 'big-down.bin'))).toBe(await sha256File(remoteFile))
    expect(readdirSync(fx.local).filter((n) => n.includes('.homeport-'))).toEqual([])
  })

  it('downloads 200 MB to the end when the server-side cat is killed and the connection stays up', async () => {
    const remoteFile = path.join(fx.remote, 'cat-killed.bin')
    execFileSync('sh', ['-c', 'head -c "$1" /dev/urandom > "$2" && chown "$3" "$2"', 'sh', String(SIZE), remoteFile, hs.user])
    const connections = fx.t.of('server.state').length
    const { jobId } = await fx.t.call('files.download', { serverId, sources: [remoteFile], destination: fx.local })
    // Killed as soon as it runs (pkill's exit status is 0 once it killed one): waiting for a byte count could
    // miss a `cat` that moves 200 MB in a fifth of a second.
    const killCat = () => spawnSync('pkill', ['-KILL', '-u', hs.user, '-x', '-f', `cat -- ${remoteFile}`]).status === 0
    const ran = () => fx.t.of('job.update').some((j) => j.id === jobId && j.state !== 'running')
    let killed = false
    for (let i = 0; i < 5000 && !killed && !ran(); i++) {
      killed = killCat()
      if (!killed) await new Promise((r) => setTimeout(r, 1))
    }
    expect(killed).toBe(true)
    const job = await fx.t.finishedJob(jobId)
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    expect(job.log.some((l) => l.includes('ended early') && l.includes('SIGKILL'))).toBe(true)
    expect(await sha256File(path.join(fx.local, 'cat-killed.bin'))).toBe(await sha256File(remoteFile))
    expect(readdirSync(fx.local).filter((n) => n.includes('.homeport-'))).toEqual([])
    // The connection never went: no state change was reported meanwhile.
    expect(fx.t.of('server.state').length).toBe(connections)
  })

  it('uploads 200 MB to the end, resumed after the reconnect, sha256 identical', async () => {
    const localFile = path.join(fx.local, 'big-up.bin')
    execFileSync('sh', ['-c', 'head -c "$1" /dev/urandom > "$2"', 'sh', String(SIZE), localFile])
    const { jobId } = await fx.t.call('files.upload', { serverId, sources: [localFile], destination: fx.remote, verify: 'sha256' })
    expect(await killWhenPast(fx.t, jobId, SIZE / 5)).toBeGreaterThan(0)
    const job = await fx.t.finishedJob(jobId)
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    expect((job.result as { resumed: number; verified: number }).resumed).toBeGreaterThanOrEqual(1)
    expect((job.result as { verified: number }).verified).toBe(1)
    expect(await sha256File(path.join(fx.remote, 'big-up.bin'))).toBe(await sha256File(localFile))
    expect(readdirSync(fx.remote).filter((n) => n.includes('.homeport-'))).toEqual([])
  })
})
