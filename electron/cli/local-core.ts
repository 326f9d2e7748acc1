// The CLI's own core, for when no running Homeport can take the command: data dir from HOMEPORT_HOME or the
// platform default, questions in the terminal, every call through the same validating dispatch as the window
// and the web host. Loaded with import() only when needed, and bundled on its own (dist/cli/local-core.cjs):
// what crosses back is Result envelopes and plain data, never a class instance of this bundle.

import { EventEmitter } from 'node:events'
import type { HomeportBridge } from '../../shared/bridge.js'
import type { EventMap, EventName, MethodInput, MethodName, MethodOutput } from '../../shared/contract/index.js'
import { toErrorInfo, type Result } from '../../shared/errors.js'
import { behindAtMost, createCore, createDispatch, newRoundTripTally, resolveDataDir, type Backlogged, type EventSink } from '../core/runtime/index.js'
import { stderrLogger } from './output.js'
import { TtyPrompter } from './tty-prompter.js'

export interface LocalCore extends HomeportBridge {
  close(): Promise<void>
}

/**
 * `sampling`: only for a command that waits for what monitoring finds; a one-shot command starts no timers.
 * `paceOn`: where the events end up (stdout); a big log is read from the server only as fast as it is taken.
 */
export async function openLocalCore(opts: { verbose: boolean; sampling: boolean; secretFromStdin?: () => Promise<string>; paceOn?: Backlogged }): Promise<Result<LocalCore>> {
  try {
    const emitter = new EventEmitter()
    const paceOn = opts.paceOn
    const events: EventSink = { emit: (event, payload) => void emitter.emit(event, payload), ...(paceOn ? { drained: () => behindAtMost(paceOn) } : {}) }
    // The keychain warning is logged by the core (shown with --verbose); `server add` warns itself when it matters.
    const core = await createCore(
      { dataDir: resolveDataDir(), prompts: new TtyPrompter(opts.secretFromStdin), events, log: stderrLogger(opts.verbose) },
      { sampling: opts.sampling },
    )
    const dispatch = createDispatch(core.handlers)
    const clientId = `cli-${process.pid}`
    // The command is one user action: every exchange with a server made for it, jobs included, counts here.
    const roundTrips = newRoundTripTally()
    const log = stderrLogger(opts.verbose)
    const local: LocalCore = {
      invoke: <M extends MethodName>(method: M, input: MethodInput<M>) =>
        roundTrips.run(() => dispatch(method, input, { clientId })) as Promise<Result<MethodOutput<M>>>,
      on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
        emitter.on(event, listener)
        return () => void emitter.off(event, listener)
      },
      close: async () => {
        await core.close()
        if (roundTrips.total === 0) return
        log.info(`Round trips: ${roundTrips.summary()}`)
        for (const line of roundTrips.lines()) log.info(line)
      },
    }
    return { ok: true, value: local }
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) }
  }
}
