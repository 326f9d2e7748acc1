// Fresh Debian machines by hand:
//   npx tsx test/homeserver/fresh-system/cli.ts image [--rebuild]  → builds or checks the cached image, prints the time
//   npx tsx test/homeserver/fresh-system/cli.ts up                 → boots one, prints its JSON, stops it on Ctrl-C
//   npx tsx test/homeserver/fresh-system/cli.ts clean              → removes machines whose owner process is gone

import { freshDebianUnsupportedReason, startFreshDebian } from './fresh-debian.js'
import { ensureImage } from './image.js'
import { cleanUpNow } from './instances.js'

const log = (line: string): void => void process.stderr.write(`${line}\n`)

async function main(command: string | undefined, flags: string[]): Promise<number> {
  if (command !== 'image' && command !== 'up' && command !== 'clean') {
    log('usage: npx tsx test/homeserver/fresh-system/cli.ts image [--rebuild] | up | clean')
    return 2
  }
  const reason = await freshDebianUnsupportedReason(log)
  if (reason) {
    log(`cannot run here: ${reason}`)
    return 1
  }
  if (command === 'image') {
    const image = await ensureImage(log, { rebuild: flags.includes('--rebuild') })
    log(`${image.built ? 'built' : 'cached'}: ${image.dir} (${(image.ms / 1000).toFixed(1)} s)`)
    return 0
  }
  if (command === 'clean') {
    const live = await cleanUpNow(log)
    log(`leftovers removed; ${live} machine(s) of live processes kept`)
    return 0
  }
  const machine = await startFreshDebian({ log })
  const { rootExec: _rootExec, consoleTail: _consoleTail, stop, ...info } = machine
  process.stdout.write(`${JSON.stringify(info, null, 2)}\n`)
  log(`up; ssh ${machine.user}@${machine.host} (password above). Ctrl-C stops it.`)
  // Signal listeners alone do not keep Node running: the timer does, until a signal arrives.
  const keepAlive = setInterval(() => {}, 60_000)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  clearInterval(keepAlive)
  await stop()
  log('stopped')
  return 0
}

main(process.argv[2], process.argv.slice(3)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(1)
  },
)
