// Starts or stops the test home server by hand, for benchmarks and manual runs:
//   npx tsx test/homeserver/cli.ts up     → prints HomeServerInfo as JSON, leaves everything running
//   npx tsx test/homeserver/cli.ts down   → stops what `up` started (every hand-started run)
//   npx tsx test/homeserver/cli.ts info   → prints the JSON of the running hand-started server again

import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { homeServerUnsupportedReason, startHomeServer, stopHomeServer } from './home-server.js'
import { RUN_DIR_PREFIX } from './paths.js'

const INFO_FILE = 'info.json'

async function handStartedRuns(): Promise<string[]> {
  const slash = RUN_DIR_PREFIX.lastIndexOf('/')
  const parent = RUN_DIR_PREFIX.slice(0, slash)
  const prefix = RUN_DIR_PREFIX.slice(slash + 1)
  const entries = await readdir(parent).catch(() => [] as string[])
  const runs: string[] = []
  for (const entry of entries.filter((name) => name.startsWith(prefix))) {
    const dir = join(parent, entry)
    if (await readFile(join(dir, INFO_FILE), 'utf8').catch(() => undefined)) runs.push(dir)
  }
  return runs
}

async function main(command: string | undefined): Promise<number> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`)
  if (command === 'up') {
    const reason = await homeServerUnsupportedReason(log)
    if (reason) {
      log(`cannot start the test home server: ${reason}`)
      return 1
    }
    const started = Date.now()
    const { info } = await startHomeServer(null)
    await writeFile(join(info.workDir, INFO_FILE), JSON.stringify(info, null, 2), { mode: 0o600 })
    log(`test home server up in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`)
    return 0
  }
  if (command === 'down') {
    const runs = await handStartedRuns()
    for (const dir of runs) await stopHomeServer(dir)
    log(runs.length > 0 ? `stopped ${runs.length} hand-started run(s)` : 'no hand-started test home server is running')
    return 0
  }
  if (command === 'info') {
    const [dir] = await handStartedRuns()
    if (!dir) {
      log('no hand-started test home server is running (start one with: npx tsx test/homeserver/cli.ts up)')
      return 1
    }
    process.stdout.write(await readFile(join(dir, INFO_FILE), 'utf8'))
    process.stdout.write('\n')
    return 0
  }
  log('usage: npx tsx test/homeserver/cli.ts up|down|info')
  return 2
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(1)
  },
)
