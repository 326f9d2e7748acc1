// A big log through the web host as `npm run start:web` wires it (the core's events fanned out to the browser's
// sockets and the control socket): the host stops reading the log from the server while a window is behind, and
// sends every line once it catches up; a log stream that the window stops, or that a window going away leaves
// behind (even one still being opened), is closed on the server (the Docker engine lets go of the container's log
// file), and so is every service's stream when one of them cannot be read.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { EventMap } from '../../../shared/contract/index.js'
import type { WireMessage } from '../../../shared/bridge.js'
import { createCore, fanOutEvents, type Core } from '../../../electron/core/runtime/index.js'
import { MemorySecretStore } from '../../../electron/core/secrets/memory-store.js'
import { startWebHost, type WebHost } from '../../../electron/web/web-host.js'
import { docker, removeTestContainers, useHomeServer } from '../../homeserver/helpers.js'
import { waitUntil } from '../../homeserver/process.js'
import { homeServerInput } from '../core/test-core.js'

const hs = useHomeServer()
const PREFIX = 'hp-logs-webhost'
const BIG = `${PREFIX}-big`
const CHATTY = `${PREFIX}-chatty`
/** Two services: one that talks, and one whose log Docker cannot read (logging driver "none"). */
const MIXED = `${PREFIX}-mixed`
// Far more than the socket buffers between the host and a window that stopped reading (a few MiB) can hold.
const LINES = 400_000

type Logs = EventMap['apps.logs']

/** A window on the web host's socket: its calls, and the log lines it has read. */
interface Window {
  call(method: string, input: unknown): Promise<unknown>
  lines(streamId: string): Logs['lines']
  ended(streamId: string): boolean
  ws: WebSocket
}

let dir: string
let host: WebHost
let core: Core
/** Log lines the core has handed to its event sinks so far. */
let emitted = 0

function openWindow(): Promise<Window> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { headers: { Origin: host.origin } })
    const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
    const logs = new Map<string, Logs[]>()
    let next = 1
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as WireMessage
      if (msg.type === 'result') {
        const w = waiting.get(msg.id)
        if (msg.result.ok) w?.resolve(msg.result.value)
        else w?.reject(new Error(`${msg.result.error.code}: ${msg.result.error.message}`))
      } else if (msg.type === 'event' && msg.event === 'apps.logs') {
        const event = msg.payload as Logs
        logs.set(event.streamId, [...(logs.get(event.streamId) ?? []), event])
      }
    })
    ws.on('error', reject)
    ws.on('open', () =>
      resolve({
        ws,
        call: (method, input) =>
          new Promise((res, rej) => {
            const id = next++
            waiting.set(id, { resolve: res, reject: rej })
            ws.send(JSON.stringify({ type: 'call', id, method, input }))
          }),
        lines: (streamId) => (logs.get(streamId) ?? []).flatMap((e) => e.lines),
        ended: (streamId) => (logs.get(streamId) ?? []).some((e) => e.ended),
      }),
    )
  })
}

/** Compose-labelled container: a service of an app, as `apps.logsFollow` finds it. */
async function app(name: string, script: string, service = 'talk', extra: string[] = []): Promise<void> {
  const labels = ['--label', `com.docker.compose.project=${name}`, '--label', `com.docker.compose.service=${service}`, '--label', 'com.docker.compose.container-number=1']
  await docker(['run', '-d', '--name', `${name}-${service}-1`, '--network', 'none', ...labels, ...extra, hs.images[0], 'sh', '-c', script])
}

/** Follows `app` in a window until lines come, checks the engine has exactly one reader on `container`, stops it. */
async function followOnce(app: string, container: string, service?: string): Promise<void> {
  const win = await openWindow()
  const { streamId } = (await win.call('apps.logsFollow', { serverId: 'home', app, tail: 10, timestamps: true, follow: true, ...(service ? { service } : {}) })) as { streamId: string }
  await expect.poll(() => win.lines(streamId).length, { timeout: 30_000 }).toBeGreaterThan(0)
  expect(await engineReadersOf(container)).toBe(1)
  await win.call('apps.logsStop', { streamId })
  await expect.poll(() => engineReadersOf(container), { timeout: 30_000 }).toBe(0)
  win.ws.close()
}

/** How many files the Docker engine has open on the container's log: its own writer, plus one per log reader. */
async function engineReadersOf(container: string): Promise<number> {
  const logPath = (await docker(['inspect', '-f', '{{.LogPath}}', container])).trim()
  let open = 0
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    const comm = (() => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
      } catch {
        return ''
      }
    })()
    if (comm !== 'dockerd') continue
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === logPath) open++
      } catch {
        // closed meanwhile
      }
    }
  }
  return open - 1
}

/** Polls until `read()` gives the same answer twice in a row, a second apart; resolves with it. */
async function settled(read: () => number): Promise<number> {
  let last = -1
  await expect.poll(() => {
    const now = read()
    const same = now === last
    last = now
    return same
  }, { timeout: 120_000, interval: 1000 }).toBe(true)
  return last
}

describe('logs through the web host', () => {
  beforeAll(async () => {
    await removeTestContainers(PREFIX)
    await app(BIG, `seq 1 ${LINES} | sed 's/^/log line number /'; sleep 3600`)
    await app(CHATTY, 'while :; do echo chatty; sleep 0.1; done')
    await app(MIXED, 'while :; do echo mixed; sleep 0.1; done')
    await app(MIXED, 'sleep 3600', 'mute', ['--log-driver', 'none'])
    dir = mkdtempSync(join(tmpdir(), 'homeport-logs-webhost-'))
    mkdirSync(join(dir, 'renderer'))
    writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Homeport</title>')
    const counter = {
      emit<E extends keyof EventMap>(event: E, payload: EventMap[E]) {
        if (event === 'apps.logs') emitted += (payload as Logs).lines.length
      },
    }
    host = await startWebHost({
      rendererDir: join(dir, 'renderer'),
      createCore: async (events) =>
        (core = await createCore({ dataDir: join(dir, 'data'), events: fanOutEvents(events, counter), secrets: new MemorySecretStore(), sshConfigPath: join(dir, 'none'), knownHostsPath: join(dir, 'none') })),
    })
    const setup = await openWindow()
    await setup.call('servers.add', homeServerInput(hs))
    setup.ws.close()
    // The whole log is written before it is read.
    const written = await waitUntil(async () => (await docker(['logs', '--tail', '1', `${BIG}-talk-1`])).trim() === `log line number ${LINES}`, 120_000, 500)
    if (!written) throw new Error(`${BIG} did not write its ${LINES} lines`)
  }, 180_000)

  afterAll(async () => {
    await host?.close()
    await removeTestContainers(PREFIX)
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('stops reading the log while the window is behind, then sends every line in order', { timeout: 300_000 }, async () => {
    const win = await openWindow()
    const { streamId } = (await win.call('apps.logsFollow', { serverId: 'home', app: BIG, tail: LINES, timestamps: true, follow: false })) as { streamId: string }
    // The window stops reading its socket, as a busy browser tab does.
    win.ws.pause()
    const whileBehind = await settled(() => emitted)
    expect(whileBehind).toBeGreaterThan(0)
    expect(whileBehind).toBeLessThan(LINES)
    // Nothing is lost by waiting: once the window reads again, the rest comes, in order, and the stream ends.
    win.ws.resume()
    await expect.poll(() => win.ended(streamId), { timeout: 240_000, interval: 500 }).toBe(true)
    const texts = win.lines(streamId).map((l) => l.text)
    expect(texts.length).toBe(LINES)
    expect(texts[0]).toBe('log line number 1')
    expect(texts.every((t, i) => t === `log line number ${i + 1}`)).toBe(true)
    win.ws.close()
  })

  it('closes the stream on the server when the window stops it, and when the window goes away', { timeout: 120_000 }, async () => {
    const win = await openWindow()
    const container = `${CHATTY}-talk-1`
    expect(await engineReadersOf(container)).toBe(0)
    const first = (await win.call('apps.logsFollow', { serverId: 'home', app: CHATTY, tail: 10, timestamps: true, follow: true })) as { streamId: string }
    await expect.poll(() => engineReadersOf(container), { timeout: 30_000 }).toBe(1)
    await expect.poll(() => win.lines(first.streamId).length, { timeout: 30_000 }).toBeGreaterThan(10)
    await win.call('apps.logsStop', { streamId: first.streamId })
    await expect.poll(() => engineReadersOf(container), { timeout: 30_000 }).toBe(0)

    // A window that goes away without a word (a closed tab) leaves no stream behind either.
    await win.call('apps.logsFollow', { serverId: 'home', app: CHATTY, tail: 10, timestamps: true, follow: true })
    await expect.poll(() => engineReadersOf(container), { timeout: 30_000 }).toBe(1)
    win.ws.terminate()
    await expect.poll(() => engineReadersOf(container), { timeout: 30_000 }).toBe(0)
  })

  it('closes a stream the window left while it was still being opened', { timeout: 120_000 }, async () => {
    const container = `${CHATTY}-talk-1`
    // The window's socket closes while its call is under way: the web host tells the core (forgetClient) on the
    // next turn of the event loop, while the call still waits for the server to answer.
    const opening = core.handlers['apps.logsFollow']({ serverId: 'home', app: CHATTY, tail: 10, timestamps: true, follow: true }, { clientId: 'gone' })
    await new Promise((resolve) => setImmediate(resolve))
    await core.forgetClient('gone')
    await opening
    // A stream left open would still hold the engine's reader once another window's stream is flowing.
    await followOnce(CHATTY, container)
  })

  it("closes the streams it opened when one service's log cannot be read", { timeout: 120_000 }, async () => {
    const win = await openWindow()
    await expect(win.call('apps.logsFollow', { serverId: 'home', app: MIXED, tail: 10, timestamps: true, follow: true })).rejects.toThrow()
    win.ws.close()
    await followOnce(MIXED, `${MIXED}-talk-1`, 'talk')
  })
})
