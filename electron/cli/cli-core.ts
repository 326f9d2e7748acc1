// The core as the CLI uses it: data dir from HOMEPORT_HOME or the platform default, questions in the
// terminal, logs to stderr only with --verbose, every call through the same validating dispatch as the
// window and the web host.

import { EventEmitter } from 'node:events'
import type { EventMap, EventName, MethodInput, MethodName, MethodOutput } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import { createCore, type Core } from '../core/runtime/create-core.js'
import type { EventSink, Logger } from '../core/runtime/types.js'
import { createDispatch } from '../core/runtime/dispatch.js'
import { resolveDataDir } from '../core/store/data-dir.js'
import { TtyPrompter } from './tty-prompter.js'

export interface CliCore {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  /** Core events (job progress, log lines); returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void
  close(): Promise<void>
}

function stderrLogger(verbose: boolean): Logger {
  const write = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    if (!verbose) return
    process.stderr.write(`[${level}] ${message}${meta && Object.keys(meta).length ? ' ' + JSON.stringify(meta) : ''}\n`)
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}

export async function openCliCore(opts: { verbose: boolean }): Promise<CliCore> {
  const log = stderrLogger(opts.verbose)
  // The keychain warning is logged by the core (shown with --verbose); `server add` warns itself when it matters.
  const emitter = new EventEmitter()
  const events: EventSink = { emit: (event, payload) => void emitter.emit(event, payload) }
  const core: Core = await createCore({ dataDir: resolveDataDir(), prompts: new TtyPrompter(), events, log })
  const dispatch = createDispatch(core.handlers)
  const clientId = `cli-${process.pid}`
  return {
    async call(method, input) {
      const result = await dispatch(method, input, { clientId })
      if (!result.ok) throw HomeportError.from(result.error)
      return result.value as MethodOutput<typeof method>
    },
    on(event, listener) {
      emitter.on(event, listener)
      return () => void emitter.off(event, listener)
    },
    close: () => core.close(),
  }
}
