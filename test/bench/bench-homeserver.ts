// The benchmark runs against the test home server: one started by hand (`npx tsx test/homeserver/cli.ts up`)
// if there is one, otherwise its own, stopped again at the end.

import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { homeServerUnsupportedReason, startHomeServer, stopHomeServer } from '../homeserver/home-server.js'
import { RUN_DIR_PREFIX } from '../homeserver/paths.js'
import type { HomeServerInfo } from '../homeserver/types.js'

export interface BenchHomeServer {
  info: HomeServerInfo
  release(): Promise<void>
}

/** The info.json that `cli.ts up` leaves in its run dir. */
async function handStartedInfo(): Promise<HomeServerInfo | undefined> {
  const slash = RUN_DIR_PREFIX.lastIndexOf('/')
  const parent = RUN_DIR_PREFIX.slice(0, slash)
  const prefix = RUN_DIR_PREFIX.slice(slash + 1)
  for (const entry of (await readdir(parent).catch(() => [] as string[])).filter((name) => name.startsWith(prefix))) {
    const text = await readFile(join(parent, entry, 'info.json'), 'utf8').catch(() => undefined)
    if (!text) continue
    const info = JSON.parse(text) as HomeServerInfo
    if (info.available) return info
  }
  return undefined
}

export async function obtainHomeServer(): Promise<BenchHomeServer> {
  const running = await handStartedInfo()
  if (running) {
    console.log(`using the running test home server (ssh port ${running.sshPort})`)
    return { info: running, release: async () => {} }
  }
  const reason = await homeServerUnsupportedReason((line) => console.log(line))
  if (reason) throw new Error(`cannot start the test home server: ${reason}`)
  console.log('starting the test home server…')
  const { info } = await startHomeServer(process.pid)
  return { info, release: () => stopHomeServer(info.workDir) }
}

/**
 * A benchmark's whole run: the home server obtained, `body` measured against it, the server released. Exits 0
 * once the report is printed (a missed target is a figure, not a failure) and 1 when the run itself failed.
 */
export function runBench(body: (info: HomeServerInfo) => Promise<void>): void {
  const run = async () => {
    const server = await obtainHomeServer()
    try {
      await body(server.info)
    } finally {
      await server.release()
    }
  }
  run().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
      process.exit(1)
    },
  )
}
