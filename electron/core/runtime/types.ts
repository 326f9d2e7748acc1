// What a front end (Electron main, CLI, web host, tests) hands to createCore. The core never reaches for
// process-wide state itself: it gets its data dir, keychain, question-asker, event sink and logger here.

import type { EventMap, EventName } from '../../../shared/contract/index.js'
import type { PromptRequest } from '../../../shared/contract/index.js'

export interface SecretStore {
  readonly kind: 'keychain' | 'memory'
  get(account: string): Promise<string | undefined>
  set(account: string, value: string): Promise<void>
  delete(account: string): Promise<void>
}

/** Asks the person at the front end. hostKey → boolean; passphrase/password → string, or undefined if dismissed. */
export interface Prompter {
  ask(request: Omit<PromptRequest, 'id'>, signal?: AbortSignal): Promise<boolean | string | undefined>
}

export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventMap[E]): void
  /** Resolves once what was emitted has mostly gone out (a sink with slow readers), so big streams can pace. */
  drained?(): Promise<void>
}

export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void
  info(message: string, meta?: Record<string, unknown>): void
  warn(message: string, meta?: Record<string, unknown>): void
  error(message: string, meta?: Record<string, unknown>): void
}

export interface CoreOptions {
  /** App data dir: SQLite lives here. HOMEPORT_HOME overrides the default in every front end. */
  dataDir: string
  secrets?: SecretStore
  /** Absent: questions are pushed as `prompt.request` events and answered through `prompts.answer`. */
  prompts?: Prompter
  events?: EventSink
  log?: Logger
  /** Defaults to ~/.ssh/config and ~/.ssh/known_hosts. */
  sshConfigPath?: string
  knownHostsPath?: string
  /** The bundled app catalog (resources/catalog); found next to the code when absent. */
  catalogDir?: string
}
