// A small batch's whole reply — the exec's success, tar's output, its exit status and the channel's close —
// can reach this computer in one read when the client was busy meanwhile, and ssh2 dispatches all of it at
// once: a listener for the exit attached a moment after the channel opened would miss it, and the batch
// would look cut off. The test holds the connection's reads back while tar runs (as a busy event loop does),
// so the reply is read in one go, and the download must still succeed at its first try.

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Client } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useHomeServer } from '../../homeserver/helpers.js'
import { sha256File, useFilesServer } from './files-fixture.js'

const hs = useHomeServer()
const fx = useFilesServer(hs, 'tmpfs')
const serverId = 'home'
const FILES = 40

interface Held {
  _protocol?: unknown
  _sock?: { pause(): void; resume(): void }
}

const protocolClass = createRequire(import.meta.url)('ssh2/lib/protocol/Protocol.js') as { prototype: { exec(chan: number, cmd: string, wantReply: boolean): unknown } }
const originalExec = protocolClass.prototype.exec
const originalClientExec = Client.prototype.exec
const clients = new Set<Held>()
let held = 0

beforeAll(() => {
  Client.prototype.exec = function (this: Held, ...args: unknown[]) {
    clients.add(this)
    return (originalClientExec as (...a: unknown[]) => unknown).apply(this, args)
  } as typeof Client.prototype.exec
  // Once a tar request is on its way, the connection reads nothing for 300 ms: the reply waits in the socket.
  protocolClass.prototype.exec = function (this: unknown, chan, cmd, wantReply) {
    const sent = originalExec.call(this, chan, cmd, wantReply)
    const client = [...clients].find((c) => c._protocol === this)
    if (client?._sock && / tar /.test(` ${cmd} `)) {
      held++
      client._sock.pause()
      setTimeout(() => client._sock?.resume(), 300)
    }
    return sent
  }
})

afterAll(() => {
  protocolClass.prototype.exec = originalExec
  Client.prototype.exec = originalClientExec
})

describe('a batch of small files whose reply is read in one go', () => {
  it('downloads at the first try: the exit status is not missed', async () => {
    const folder = path.join(fx.remote, 'small')
    mkdirSync(folder)
    for (let i = 0; i < FILES; i++) writeFileSync(path.join(folder, `f${i}.txt`), randomBytes(1000))
    execFileSync('chown', ['-R', `${hs.user}:${hs.user}`, folder])
    const { jobId } = await fx.t.call('files.download', { serverId, sources: [folder], destination: fx.local })
    const job = await fx.t.finishedJob(jobId)
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    // The reply really was held back and read at once.
    expect(held).toBeGreaterThanOrEqual(1)
    expect(job.log.filter((l) => /ended early|Connection lost/.test(l))).toEqual([])
    for (let i = 0; i < FILES; i++) expect(await sha256File(path.join(fx.local, 'small', `f${i}.txt`))).toBe(await sha256File(path.join(folder, `f${i}.txt`)))
  })
})
