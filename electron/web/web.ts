// `npm run start:web`: the web host as a command. Prints one line, the tokenized URL, on stdout; logs go
// to stderr. Port from --port, else HOMEPORT_WEB_PORT, else a random free one.

import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createConsoleLogger, createControlServer, createCore, fanOutEvents, resolveDataDir } from '../core/runtime/index.js'
import { startWebHost } from './web-host.js'

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 0
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`error INVALID_INPUT: port "${value}" is not a port number\nhint: pass --port with a number from 1 to 65535, or 0 for a random free port\n`)
    process.exit(2)
  }
  return port
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, renderer: { type: 'string' } },
    strict: true,
  })
  const log = createConsoleLogger()
  const bundleDir = path.dirname(fileURLToPath(import.meta.url))
  const dataDir = resolveDataDir()
  // The CLI's calls ride on this host's connections through the control socket (and see its events).
  const control = createControlServer({ dataDir, log })
  const host = await startWebHost({
    rendererDir: path.resolve(values.renderer ?? path.join(bundleDir, '../renderer')),
    port: parsePort(values.port ?? process.env.HOMEPORT_WEB_PORT),
    createCore: async (events) => control.serve(await createCore({ dataDir, events: fanOutEvents(events, control.events), log })),
    log,
  })
  process.stdout.write(`${host.url}\n`)
  log.info(`Homeport web host listening on ${host.origin} (open the URL above; it carries the access token)`)
  const stop = () => {
    void control.close().then(() => host.close()).finally(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`error INTERNAL: the web host could not start: ${message}\nhint: if the port is taken, pass another with --port or HOMEPORT_WEB_PORT\n`)
  process.exit(1)
})
