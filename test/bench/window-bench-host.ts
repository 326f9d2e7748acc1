// The web host of window.bench.ts, in a process of its own as `npm run start:web` runs it: the core's events go
// to the browser's sockets and to the control socket alike. Its memory is what the benchmark reports, so
// nothing else may live here — Playwright, which drives Chromium from the benchmark's process, receives a copy
// of every WebSocket frame the page gets and would be counted as the web host's. Asked over IPC:
//   { type: 'call', id, method, input }   a core call (the benchmark adds its server so)
//   { type: 'memory', id, gc }            process.memoryUsage(), after a full collection when `gc`
//   { type: 'peak', id, stop }            starts sampling every 100 ms, or stops and answers the highest-RSS sample
//   { type: 'logLines', id }              how many log lines the host has sent to windows so far
//   { type: 'close', id }                 closes the host and exits
// Started with --expose-gc so both memory readings the target compares (idle, after the view closed) are taken
// after a full collection: what is still held, not garbage V8 had not yet got round to.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { CoreHandlers, EventMap } from '../../shared/contract/index.js'
import { createControlServer, createCore, fanOutEvents, type Core, type EventSink } from '../../electron/core/runtime/index.js'
import { MemorySecretStore } from '../../electron/core/secrets/memory-store.js'
import { startWebHost } from '../../electron/web/web-host.js'

type Request =
  | { type: 'call'; id: number; method: keyof CoreHandlers; input: unknown }
  | { type: 'memory'; id: number; gc: boolean }
  | { type: 'peak'; id: number; stop: boolean }
  | { type: 'logLines'; id: number }
  | { type: 'close'; id: number }

const dataDir = mkdtempSync(join(tmpdir(), 'homeport-bench-window-'))
writeFileSync(join(dataDir, 'ssh_config'), '')
writeFileSync(join(dataDir, 'known_hosts'), '')
const control = createControlServer({ dataDir })
let core: Core | undefined
let logLines = 0
const counter: EventSink = {
  emit: (event, payload) => void (event === 'apps.logs' && (logLines += (payload as EventMap['apps.logs']).lines.length)),
}
const host = await startWebHost({
  rendererDir: join(resolve(import.meta.dirname, '../..'), 'dist/renderer'),
  createCore: async (events) =>
    control.serve((core = await createCore({ dataDir, events: fanOutEvents(events, control.events, counter), secrets: new MemorySecretStore(), sshConfigPath: join(dataDir, 'ssh_config'), knownHostsPath: join(dataDir, 'known_hosts') }))),
})

let peak: NodeJS.MemoryUsage | undefined
let sampler: NodeJS.Timeout | undefined

async function answer(request: Request): Promise<unknown> {
  switch (request.type) {
    case 'call': {
      const handler = core!.handlers[request.method] as (input: unknown, ctx: { clientId: string }) => Promise<unknown>
      return handler(request.input, { clientId: 'bench' })
    }
    case 'memory':
      if (request.gc) {
        global.gc!()
        // V8 hands the freed pages back on a thread of its own, just after the collection.
        await new Promise((resolve) => setTimeout(resolve, 1000))
      }
      return process.memoryUsage()
    case 'peak':
      if (request.stop) {
        clearInterval(sampler)
        return peak
      }
      peak = process.memoryUsage()
      sampler = setInterval(() => {
        const now = process.memoryUsage()
        if (now.rss > peak!.rss) peak = now
      }, 100)
      return peak
    case 'logLines':
      return logLines
    case 'close':
      await control.close()
      await host.close()
      rmSync(dataDir, { recursive: true, force: true })
      return undefined
  }
}

process.on('message', (message: Request) => {
  answer(message).then(
    (value) => process.send!({ id: message.id, value }, () => message.type === 'close' && process.exit(0)),
    (err: unknown) => process.send!({ id: message.id, error: err instanceof Error ? err.message : String(err) }),
  )
})
process.send!({ id: 0, value: host.url })
