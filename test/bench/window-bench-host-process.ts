// The benchmark's side of window-bench-host.ts: starts the web host's process and asks it for calls and its memory.

import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import type { CoreHandlers } from '../../shared/contract/index.js'

export interface BenchHost {
  url: string
  pid: number
  call(method: keyof CoreHandlers, input: unknown): Promise<unknown>
  /** The host's process.memoryUsage(); `gc`: after a full collection. */
  memory(gc: boolean): Promise<NodeJS.MemoryUsage>
  /** Samples the host's memory every 100 ms; `stop` answers the sample with the highest RSS. */
  peak(): Promise<{ stop: () => Promise<NodeJS.MemoryUsage> }>
  /** Log lines the host has sent to windows so far. */
  logLines(): Promise<number>
  close(): Promise<void>
}

export async function startBenchHost(): Promise<BenchHost> {
  // The tsx loader this process runs under (execArgv) loads the host's TypeScript too.
  const child: ChildProcess = fork(join(import.meta.dirname, 'window-bench-host.ts'), [], { execArgv: [...process.execArgv, '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let next = 1
  child.on('message', (m: { id: number; value?: unknown; error?: string }) => {
    const w = waiting.get(m.id)
    waiting.delete(m.id)
    if (m.error !== undefined) w?.reject(new Error(m.error))
    else w?.resolve(m.value)
  })
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`the benchmark's web host exited (${code})`))
    waiting.clear()
  })
  const ask = <T>(request: Record<string, unknown>, id = next++): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      if (id !== 0) child.send({ ...request, id })
    })
  const url = await ask<string>({}, 0)
  return {
    url,
    pid: child.pid!,
    call: (method, input) => ask({ type: 'call', method, input }),
    memory: (gc) => ask({ type: 'memory', gc }),
    async peak() {
      await ask({ type: 'peak', stop: false })
      return { stop: () => ask<NodeJS.MemoryUsage>({ type: 'peak', stop: true }) }
    },
    logLines: () => ask({ type: 'logLines' }),
    async close() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      await ask({ type: 'close' }).catch(() => undefined)
      await exited
    },
  }
}
