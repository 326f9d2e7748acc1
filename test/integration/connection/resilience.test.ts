import { afterEach, describe, expect, it } from 'vitest'
import type { ServerStateEvent } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { SshConnectionManager } from '../../../electron/core/connection/connection-manager.js'
import type { SshSession } from '../../../electron/core/connection/types.js'
import { killServerSide, localPortOf, ourConnectionsTo, targetFor, waitFor } from './support.js'

const info = useHomeServer()
let manager: SshConnectionManager | undefined
afterEach(async () => {
  await manager?.closeAll()
  manager = undefined
})

async function connect(id: string): Promise<SshSession> {
  manager = new SshConnectionManager({ knownHostsPath: '/nonexistent/known_hosts', reconnectInitialMs: 200, reconnectMaxMs: 2_000 })
  return manager.acquire(id, async () => targetFor(info))
}

function dockerPing(session: SshSession): Promise<string> {
  return session.openStreamLocal(info.dockerSocket).then(
    (stream) =>
      new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = []
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('error', reject)
        stream.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
        stream.end('GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n')
      }),
  )
}

describe('one connection under stress', () => {
  it('reconnects after the server-side sshd process of our connection is killed mid-loop', async () => {
    const session = await connect('killed')
    const states: ServerStateEvent[] = []
    manager!.on('state', (e: ServerStateEvent) => states.push(e))
    const firstPort = localPortOf(await session.ready())
    const outcomes: string[] = []
    let killed: number[] = []
    for (let i = 0; i < 40; i++) {
      if (i === 10) killed = await killServerSide(info.sshPort, firstPort)
      const result = await session.exec(['echo', `call ${i}`]).then(
        (r) => (r.stdout === `call ${i}\n` ? 'ok' : `wrong output ${r.stdout}`),
        (e: { code?: string }) => `error ${e.code}`,
      )
      outcomes.push(result)
    }
    expect(killed.length).toBeGreaterThan(0)
    expect(outcomes.slice(0, 10).every((o) => o === 'ok')).toBe(true)
    // The call under way when the process died may fail (it is never retried); every later call succeeds.
    const firstAfter = outcomes.slice(10).findIndex((o) => o === 'ok') + 10
    expect(outcomes.slice(10, firstAfter).every((o) => o === 'error CONNECTION_LOST')).toBe(true)
    expect(firstAfter).toBeLessThanOrEqual(11)
    expect(outcomes.slice(firstAfter).every((o) => o === 'ok')).toBe(true)
    const sequence = states.filter((e) => e.serverId === 'killed').map((e) => e.state)
    expect(sequence.indexOf('reconnecting')).toBeGreaterThanOrEqual(0)
    expect(sequence.slice(sequence.indexOf('reconnecting'))).toContain('ready')
    expect(session.state).toBe('ready')
    expect(localPortOf(await session.ready())).not.toBe(firstPort)
    expect(await ourConnectionsTo(info.sshPort)).toBe(1)
  })

  it('carries 50 concurrent Docker socket channels and 50 concurrent execs over one TCP connection', async () => {
    const logPort = localPortOf(await (await connect('busy')).ready())
    const session = manager!.get('busy')!
    const [pings, execs] = await Promise.all([
      Promise.all(Array.from({ length: 50 }, () => dockerPing(session))),
      Promise.all(Array.from({ length: 50 }, (_, i) => session.exec(['sh', '-c', 'echo "$1"', 'sh', String(i)]))),
    ])
    expect(pings.every((p) => p.startsWith('HTTP/1.0 200') && p.endsWith('OK'))).toBe(true)
    expect(execs.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 50 }, (_, i) => String(i)))
    expect(await ourConnectionsTo(info.sshPort)).toBe(1)
    expect(localPortOf(await session.ready())).toBe(logPort)
  })

  it('keeps one SFTP channel per connection and opens a new one after a reconnect', async () => {
    const session = await connect('sftp')
    const first = await session.sftp()
    expect(await session.sftp()).toBe(first)
    const home = await new Promise<string>((resolve, reject) => first.realpath('.', (err, p) => (err ? reject(err) : resolve(p))))
    expect(home).toMatch(new RegExp(`${info.user}$`))
    await killServerSide(info.sshPort, localPortOf(await session.ready()))
    await waitFor(() => (session.state === 'reconnecting' ? true : undefined), 'the session to notice the drop')
    const second = await session.sftp()
    expect(second).not.toBe(first)
    const again = await new Promise<string>((resolve, reject) => second.realpath('.', (err, p) => (err ? reject(err) : resolve(p))))
    expect(again).toBe(home)
  })
})
