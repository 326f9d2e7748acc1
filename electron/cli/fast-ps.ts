// `homeport ps NAME [-a|--all] [--json]` through a running Homeport, before the command tree is loaded. The
// launcher (bin/homeport.js) tries this first for `ps`: a command that only asks a running Homeport for a
// list it can already answer need not load the parser, the contract's schemas or anything else. Whenever
// this path cannot simply print the answer (another flag, no Homeport, one not connected to NAME, an error)
// it prints nothing and says so, and the whole command runs as usual, with its own errors and help.

import { connectControl, resolveDataDir } from '../core/runtime/index.js'
import { connectedTo } from './cli-core.js'
import { printContainers } from './ps-output.js'
import { exitQuietlyWhenReaderLeaves } from './stdout-pipe.js'

const FLAGS: Record<string, 'all' | 'json'> = { '-a': 'all', '--all': 'all', '--json': 'json' }

/** NAME and the flags, or undefined when the arguments are anything but the plain form. */
export function plainPs(args: readonly string[]): { name: string; all: boolean; json: boolean } | undefined {
  if (args[0] !== 'ps') return undefined
  const seen = { all: false, json: false }
  let name: string | undefined
  for (const arg of args.slice(1)) {
    const flag = FLAGS[arg]
    if (flag) seen[flag] = true
    else if (arg.startsWith('-') || name !== undefined) return undefined
    else name = arg
  }
  return name === undefined ? undefined : { name, ...seen }
}

/** true once the list is printed; false when the command must run the usual way. */
export async function tryFastPs(args: readonly string[]): Promise<boolean> {
  const plain = plainPs(args)
  if (!plain || process.env.HOMEPORT_NO_CONTROL === '1') return false
  const remote = await connectControl(resolveDataDir())
  if (!remote) return false
  try {
    if (!(await connectedTo(remote, plain.name))) return false
    const listed = await remote.invoke('docker.containers', { serverId: plain.name, all: plain.all })
    if (!listed.ok) return false
    exitQuietlyWhenReaderLeaves()
    printContainers(listed.value, plain.json)
    return true
  } finally {
    remote.close()
  }
}
