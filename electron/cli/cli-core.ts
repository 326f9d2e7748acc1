// The core as a command sees it: the running Homeport's, through its control socket, when that can serve
// the command; otherwise the CLI's own (local-core.ts). Both answer with the same Result envelopes and
// events, so a command prints the same either way.
//
// Which one: a command that touches no server goes to a running Homeport whenever one answers. A command on
// a server goes there only if that Homeport is already connected to it, so it rides on the live connection
// and nothing needs asking; otherwise the CLI connects itself and asks its questions in this terminal, as
// `ssh` does without a ControlMaster. `server add` (a host key to confirm, a secret on stdin, this user's
// known_hosts) and `apps open` (a local port that must close with the command) always run here.

import { unwrap, type HomeportBridge } from '../../shared/bridge.js'
import type { EventMap, EventName, MethodInput, MethodName, MethodOutput } from '../../shared/contract/index.js'
import { connectControl, resolveDataDir, type ControlClient } from '../core/runtime/index.js'
import { stderrLogger } from './output.js'

export interface CliCore {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  /** Core events (job progress, log lines); returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void
  close(): Promise<void>
  /** true: the CLI's own core, which holds only the connections this command opens. */
  readonly here: boolean
}

/**
 * Where a command may run: anywhere, on a running Homeport connected to `server`, or only here. `live`: the
 * command waits for what monitoring finds, so when it runs here its own core samples what it connects to
 * (every other command's core leaves that to a running Homeport, and exits without starting timers).
 */
export type Route = 'any' | { server: string } | 'local' | { live: true; server?: string }

export interface OpenOptions {
  verbose: boolean
  /** false with --no-control or HOMEPORT_NO_CONTROL=1: always the CLI's own core. */
  control: boolean
  /** With --password-stdin: the password (or passphrase) a connection needs and no keychain holds. */
  secretFromStdin?: () => Promise<string>
}

function asCliCore(bridge: HomeportBridge, close: () => Promise<void>, here: boolean): CliCore {
  return {
    here,
    call: async (method, input) => unwrap(await bridge.invoke(method, input)),
    on: (event, listener) => bridge.on(event, listener),
    close,
  }
}

/** Whether the running Homeport holds a live connection to `server`; an unknown name counts as yes, since its error reads the same there. */
export async function connectedTo(remote: ControlClient, server: string): Promise<boolean> {
  const [found, states] = await Promise.all([remote.invoke('servers.get', { id: server }), remote.invoke('servers.states', {})])
  if (!found.ok) return true
  return states.ok && states.value.some((s) => s.serverId === found.value.id && s.state === 'ready')
}

export async function openCliCore(route: Route, opts: OpenOptions): Promise<CliCore> {
  const log = stderrLogger(opts.verbose)
  const server = typeof route === 'object' ? route.server : undefined
  if (route !== 'local' && opts.control) {
    const remote = await connectControl(resolveDataDir(), { onSkip: (reason) => log.info(`Connecting directly: ${reason}.`), paceOn: process.stdout })
    if (remote && (server === undefined || (await connectedTo(remote, server)))) {
      log.info(`Using the running Homeport (pid ${remote.pid}).`)
      return asCliCore(remote, async () => remote.close(), false)
    }
    if (remote) {
      log.info(`Connecting directly: the running Homeport (pid ${remote.pid}) is not connected to "${server}".`)
      remote.close()
    }
  }
  // Loaded only here: the SSH, Docker and SQLite stack is not needed when a running Homeport answers.
  const { openLocalCore } = await import('./local-core.js')
  const local = unwrap(await openLocalCore({ verbose: opts.verbose, sampling: typeof route === 'object' && 'live' in route, secretFromStdin: opts.secretFromStdin, paceOn: process.stdout }))
  return asCliCore(local, () => local.close(), true)
}
