// The control socket itself, served in this process by a real core on a temporary data folder: private to
// its user (modes checked, and another user really refused by the kernel), a stale socket from a crash
// replaced, a second Homeport on the same folder stepping aside, and no call's secret in any log; a big
// stream paced on clients that are behind (and not held long by one that stopped reading).

import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connectControl, createControlServer, createCore, fanOutEvents, type Core, type ControlServer, type Logger } from '../../../electron/core/runtime/index.js'

const isRoot = process.getuid?.() === 0

function recordingLog(lines: string[]): Logger {
  const write = (message: string, meta?: Record<string, unknown>) => void lines.push(`${message} ${JSON.stringify(meta ?? {})}`)
  return { debug: write, info: write, warn: write, error: write }
}

/** What `uid` gets when it connects to `socketPath`: 'connected' or the error code. */
function connectAs(uid: number, socketPath: string): string {
  const script = `require('net').connect(${JSON.stringify(socketPath)}).on('connect', () => { console.log('connected'); process.exit(0) }).on('error', (e) => console.log(e.code))`
  return spawnSync(process.execPath, ['-e', script], { uid, gid: uid, cwd: '/', encoding: 'utf8' }).stdout.trim()
}

describe('the control socket', () => {
  let home: string
  let dataDir: string
  let logLines: string[]
  const cores: Core[] = []
  const servers: ControlServer[] = []

  async function serve(): Promise<ControlServer> {
    const log = recordingLog(logLines)
    const control = createControlServer({ dataDir, log })
    const core = await createCore({ dataDir, log, events: control.events, sshConfigPath: path.join(home, 'ssh_config'), knownHostsPath: path.join(home, 'known_hosts') })
    cores.push(core)
    servers.push(control)
    await control.serve(core)
    return control
  }

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-control-'))
    dataDir = path.join(home, 'data')
    logLines = []
  })

  afterEach(async () => {
    for (const control of servers.splice(0)) await control.close()
    for (const core of cores.splice(0)) await core.close()
    fs.rmSync(home, { recursive: true, force: true })
  })

  it('lives in a 0700 folder of its own, is 0600 and owned by this user, and answers the contract', async () => {
    const control = await serve()
    expect(control.path).toBe(path.join(dataDir, 'control', 'homeport.sock'))
    const dir = fs.statSync(path.dirname(control.path))
    const socket = fs.lstatSync(control.path)
    expect(socket.isSocket()).toBe(true)
    expect({ dir: dir.mode & 0o777, socket: socket.mode & 0o777 }).toEqual({ dir: 0o700, socket: 0o600 })
    expect({ dir: dir.uid, socket: socket.uid }).toEqual({ dir: process.getuid!(), socket: process.getuid!() })
    const client = await connectControl(dataDir)
    expect(client?.pid).toBe(process.pid)
    expect(await client!.invoke('servers.list', {})).toEqual({ ok: true, value: [] })
    expect(await client!.invoke('servers.get', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    client!.close()
  })

  it.skipIf(!isRoot)('refuses another user: the folder keeps them out, and the socket too when the folder is opened', async () => {
    const control = await serve()
    const nobody = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim())
    // Open every folder above ours, so only the control folder (and then the socket) can be what refuses.
    fs.chmodSync(home, 0o755)
    fs.chmodSync(dataDir, 0o755)
    expect(connectAs(nobody, control.path)).toBe('EACCES')
    fs.chmodSync(path.dirname(control.path), 0o711)
    expect(connectAs(nobody, control.path)).toBe('EACCES')
    // A control folder others may enter is not trusted by the CLI either: it connects by itself instead.
    const reasons: string[] = []
    expect(await connectControl(dataDir, { onSkip: (r) => reasons.push(r) })).toBeUndefined()
    expect(reasons.join()).toContain('open to other users')
    // ...as a sanity check of the probe itself: a socket anyone may use lets `nobody` in.
    fs.chmodSync(control.path, 0o666)
    expect(connectAs(nobody, control.path)).toBe('connected')
  })

  it('replaces a stale socket left by a Homeport that crashed', async () => {
    const socketPath = path.join(dataDir, 'control', 'homeport.sock')
    fs.mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 })
    // A listener killed with SIGKILL leaves its socket file behind, with nobody answering on it.
    const crashed = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`])
    expect(crashed.signal).toBe('SIGKILL')
    expect(fs.lstatSync(socketPath).isSocket()).toBe(true)
    expect(await connectControl(dataDir)).toBeUndefined()
    await serve()
    const client = await connectControl(dataDir)
    expect(client?.pid).toBe(process.pid)
    client!.close()
  })

  it('a second Homeport on the same data folder steps aside and leaves the first one answering', async () => {
    const first = await serve()
    const firstInode = fs.statSync(first.path).ino
    const second = await serve()
    expect(second.path).toBe(first.path)
    expect(fs.statSync(first.path).ino).toBe(firstInode)
    expect(logLines.join('\n')).toMatch(/Another Homeport already answers/)
    await second.close()
    expect(fs.existsSync(first.path)).toBe(true)
    const client = await connectControl(dataDir)
    expect(await client!.invoke('servers.list', {})).toMatchObject({ ok: true })
    client!.close()
  })

  it('drops a client that speaks another protocol, and logs nothing a call carried', async () => {
    const control = await serve()
    const raw = net.connect(control.path)
    const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()))
    raw.resume()
    raw.write('GET / HTTP/1.1\r\n\r\n\n')
    await closed

    const secret = `pw-${process.pid}-do-not-log`
    const client = await connectControl(dataDir)
    const events: string[] = []
    client!.on('server.state', (e) => events.push(JSON.stringify(e)))
    // Port 9 (discard) on loopback: nothing listens, so the add fails after the secret went through dispatch.
    const added = await client!.invoke('servers.add', { name: 'leaky', host: '127.0.0.1', port: 9, user: 'u', authMethod: 'password', secret, trustOnFirstUse: true })
    expect(added.ok).toBe(false)
    client!.close()
    expect(JSON.stringify(added)).not.toContain(secret)
    expect(logLines.join('\n')).not.toContain(secret)
    expect(events.join('\n')).not.toContain(secret)
  })
})

describe('events through the control socket', () => {
  it('reach every client, in the order the core sent them', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-control-'))
    const dataDir = path.join(home, 'data')
    const control = createControlServer({ dataDir })
    const window: string[] = []
    const sink = fanOutEvents({ emit: (event) => void window.push(event) }, control.events)
    const core = await createCore({ dataDir, events: sink, sshConfigPath: path.join(home, 'ssh_config'), knownHostsPath: path.join(home, 'known_hosts') })
    try {
      await control.serve(core)
      const a = await connectControl(dataDir)
      const b = await connectControl(dataDir)
      const seen = { a: [] as string[], b: [] as string[] }
      a!.on('apps.changed', (e) => seen.a.push(e.app))
      b!.on('apps.changed', (e) => seen.b.push(e.app))
      for (const app of ['one', 'two', 'three']) sink.emit('apps.changed', { serverId: 's', app, change: 'started' })
      // A call answered after the events proves they were delivered first: one socket, in order.
      await a!.invoke('servers.list', {})
      await b!.invoke('servers.list', {})
      expect(seen).toEqual({ a: ['one', 'two', 'three'], b: ['one', 'two', 'three'] })
      expect(window).toEqual(['apps.changed', 'apps.changed', 'apps.changed'])
      a!.close()
      b!.close()
    } finally {
      await control.close()
      await core.close()
      fs.rmSync(home, { recursive: true, force: true })
    }
  })
})

describe('a big stream through the control socket', () => {
  const PAGES = 64
  const page = 'x'.repeat(64 * 1024)
  let home: string
  let control: ControlServer
  let core: Core

  async function serve(paceWaitMs: number): Promise<void> {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-control-'))
    const dataDir = path.join(home, 'data')
    control = createControlServer({ dataDir, paceWaitMs })
    core = await createCore({ dataDir, events: control.events, sshConfigPath: path.join(home, 'ssh_config'), knownHostsPath: path.join(home, 'known_hosts') })
    await control.serve(core)
  }

  afterEach(async () => {
    await control.close()
    await core.close()
    fs.rmSync(home, { recursive: true, force: true })
  })

  /** Whether `promise` is still unsettled once the event loop has run a while. */
  async function stillWaiting(promise: Promise<void>): Promise<boolean> {
    const later = new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 200))
    return (await Promise.race([promise.then(() => 'done' as const), later])) === 'waiting'
  }

  const emitPages = () => {
    for (let i = 0; i < PAGES; i++) control.events.emit('apps.changed', { serverId: 's', app: `${i} ${page}`, change: 'started' })
  }

  /** A client of its own making that reads the hello, then stops reading. */
  async function stoppedClient(): Promise<net.Socket> {
    const socket = net.connect(control.path)
    await new Promise<void>((resolve) => socket.once('data', () => resolve()))
    socket.pause()
    return socket
  }

  it('waits for a client that is behind, and goes on once it reads', async () => {
    await serve(60_000)
    const socket = await stoppedClient()
    emitPages()
    const drained = control.events.drained!()
    expect(await stillWaiting(drained)).toBe(true)
    let bytes = 0
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length))
    socket.resume()
    await drained
    expect(bytes).toBeGreaterThan(0)
    socket.destroy()
  })

  it('is held only a while by a client that stopped reading for good', async () => {
    await serve(300)
    const socket = await stoppedClient()
    emitPages()
    // Settles although the client never reads again (the test's own timeout says otherwise).
    await control.events.drained!()
    socket.destroy()
  })

  it("reaches the CLI only as fast as the CLI's own output is taken, every event in order", async () => {
    await serve(60_000)
    // The CLI's stdout on a pipe whose reader is slow: nothing takes it yet.
    const stdout = new PassThrough()
    const cli = await connectControl(path.dirname(path.dirname(control.path)), { paceOn: stdout })
    const seen: number[] = []
    cli!.on('apps.changed', (e) => {
      seen.push(Number(e.app.split(' ')[0]))
      stdout.write(e.app)
    })
    emitPages()
    const drained = control.events.drained!()
    expect(await stillWaiting(drained)).toBe(true)
    // The CLI stopped reading its socket: what it holds is bounded by about a page beyond the threshold.
    expect(stdout.writableLength).toBeLessThan(PAGES * page.length / 2)
    // A call made meanwhile is answered all the same (its answer comes behind the events).
    expect(await cli!.invoke('servers.list', {})).toEqual({ ok: true, value: [] })
    let taken = 0
    stdout.on('data', (chunk: Buffer) => (taken += chunk.length))
    await drained
    await cli!.invoke('servers.list', {})
    expect(seen).toEqual([...Array(PAGES).keys()])
    cli!.close()
  })
})
