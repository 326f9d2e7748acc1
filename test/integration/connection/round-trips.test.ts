// Round trips per user action, counted by the connection layer against the real sshd and Docker engine. The
// counts are what the design says they must be, exactly: a regression that adds an exchange fails here.
//   connect                 5: TCP connect, key exchange init, ECDH, userauth service, the signed public key
//                              (the last two go out together: connection/ssh2-round-trips.ts)
//   ps, first ever          4: discovery exec (a session channel + the exec), a channel to the socket, the list
//   ps, new connection      7: the 5 of connect, a channel to the remembered socket, the list
// and a remembered socket that is gone costs one refused channel, then discovery as if nothing was known.

import fs from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countRoundTrips } from '../../../electron/core/runtime/index.js'
import { writeServerFiles } from '../../../electron/core/connection/sftp.js'
import { SshSessionImpl } from '../../../electron/core/connection/session.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'

const hs = useHomeServer()
const SERVER = 'hp-round-trips'

function kinds(tally: { byKind: Record<string, number> }): Record<string, number> {
  return Object.fromEntries(Object.entries(tally.byKind).filter(([, n]) => n > 0))
}

function endpointsFile(dataDir: string): Record<string, { socket: string }> {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'docker-endpoints.json'), 'utf8')) as Record<string, { socket: string }>
}

describe('round trips per action', () => {
  let first: TestCore
  let dataDir: string

  beforeAll(async () => {
    first = await openTestCore()
    dataDir = first.dataDir
    await first.call('servers.add', homeServerInput(hs, SERVER))
  })

  afterAll(async () => {
    await first?.core.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('connects in 5 exchanges, all of them the SSH handshake', async () => {
    const { tally } = await countRoundTrips(() => first.call('servers.connect', { id: SERVER }))
    expect(kinds(tally)).toEqual({ handshake: 5 })
    expect([...tally.where.keys()].every((k) => k.startsWith(`handshake ${hs.user}@${hs.host}:${hs.sshPort}`))).toBe(true)
  })

  it('lists containers the first time with one discovery exec, then remembers the socket under the host key', async () => {
    const { value, tally } = await countRoundTrips(() => first.call('docker.containers', { serverId: SERVER, all: true }))
    expect(Array.isArray(value)).toBe(true)
    expect(kinds(tally)).toEqual({ channel: 2, exec: 1, docker: 1 })
    expect(tally.where.get('exec homeport-docker-discovery')).toBe(1)
    expect(tally.where.get('docker GET /containers/json')).toBe(1)
    const cached = endpointsFile(dataDir)
    expect(Object.keys(cached)).toEqual([`${hs.hostKeyFingerprint} ${hs.user}@${hs.host}:${hs.sshPort}`])
    expect(Object.values(cached)[0].socket).toBe(hs.dockerSocket)
    expect(fs.statSync(path.join(dataDir, 'docker-endpoints.json')).mode & 0o777).toBe(0o600)
  })

  it('on a new connection goes straight to the remembered socket: 7 exchanges for connect and ps together', async () => {
    await first.core.close()
    const second = await openTestCore({ dataDir })
    try {
      const { value, tally } = await countRoundTrips(() => second.call('docker.containers', { serverId: SERVER, all: true }))
      expect(value.length).toBeGreaterThanOrEqual(0)
      expect(kinds(tally)).toEqual({ handshake: 5, channel: 1, docker: 1 })
      expect(tally.total).toBe(7)
    } finally {
      await second.core.close()
    }
  })

  it('finds the socket afresh when the remembered one is gone, and remembers the new answer', async () => {
    const file = path.join(dataDir, 'docker-endpoints.json')
    const entries = endpointsFile(dataDir)
    for (const entry of Object.values(entries)) entry.socket = '/run/homeport-round-trips-gone.sock'
    fs.writeFileSync(file, JSON.stringify(entries))
    const third = await openTestCore({ dataDir })
    try {
      const { value, tally } = await countRoundTrips(() => third.call('docker.containers', { serverId: SERVER, all: true }))
      expect(Array.isArray(value)).toBe(true)
      expect(tally.where.get('channel stream-local /run/homeport-round-trips-gone.sock')).toBe(1)
      expect(kinds(tally)).toEqual({ handshake: 5, channel: 3, exec: 1, docker: 1 })
      expect(Object.values(endpointsFile(dataDir))[0].socket).toBe(hs.dockerSocket)
    } finally {
      await third.core.close()
    }
  })

  it('writes two files in one pipelined SFTP session: open, then write and close, then rename', async () => {
    const session = new SshSessionImpl('hp-round-trips-sftp', { ...homeServerInput(hs), identityFile: hs.keys.ed25519, hostKey: hs.hostKeyFingerprint })
    const dir = `/tmp/hp-round-trips-${process.pid}`
    try {
      await session.exec(['mkdir', '-p', dir])
      const compose = 'services:\n  web:\n    image: busybox\n'
      const env = 'SECRET=x y $(z)\n'
      const { tally } = await countRoundTrips(() =>
        writeServerFiles(session, [
          { path: `${dir}/compose.yml`, content: compose, mode: 0o644 },
          { path: `${dir}/.env`, content: env, mode: 0o600 },
        ]),
      )
      // Channel open + subsystem + version, then 4 requests per file, the files side by side.
      expect(kinds(tally)).toEqual({ channel: 1, sftp: 2 + 8 })
      for (const op of ['open', 'write', 'close', 'ext_openssh_rename']) expect(tally.where.get(`sftp ${op}`)).toBe(2)
      const sums = await session.exec(['sha256sum', `${dir}/compose.yml`, `${dir}/.env`])
      const sha = (s: string) => createHash('sha256').update(s).digest('hex')
      expect(sums.stdout).toContain(`${sha(compose)}  ${dir}/compose.yml`)
      expect(sums.stdout).toContain(`${sha(env)}  ${dir}/.env`)
      const modes = await session.exec(['stat', '-c', '%a %n', `${dir}/compose.yml`, `${dir}/.env`])
      expect(modes.stdout.trim().split('\n')).toEqual([`644 ${dir}/compose.yml`, `600 ${dir}/.env`])
      // Nothing left under a temporary name.
      expect((await session.exec(['ls', '-A', dir])).stdout.trim().split('\n').sort()).toEqual(['.env', 'compose.yml'])
    } finally {
      await session.exec(['rm', '-rf', dir]).catch(() => undefined)
      await session.close()
    }
  })
})
